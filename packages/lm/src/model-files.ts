// The file names of a model folder in Hugging Face layout: what is downloaded from the hub, and what
// belongs to the tokenizer (copied when a model is saved). Plain lists, for Node and the browser.

/** Files beside the weights that belong to the tokenizer or to generation. */
/** Files beside the weights that belong to the tokenizer or to generation. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'tokenizer.model',
  'chat_template.jinja',
  'chat_template.json',
  'generation_config.json',
] as const;

/** The files of a causal LM checkpoint that are downloaded (when the repo has them). */
export const MODEL_FILES: readonly string[] = Object.freeze([
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.json',
  'merges.txt',
  'chat_template.jinja',
  'chat_template.json',
  'model.safetensors.index.json',
  'model.safetensors',
]);
