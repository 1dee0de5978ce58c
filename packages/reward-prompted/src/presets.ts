// Ready-made OpenAI-compatible judge endpoints: the paper's Gemini and DeepSeek judges (Section 3.1)
// and local servers. Prices are USD per million tokens as the providers listed them in early 2025.

/** USD per million tokens. */
export interface TokenPrices {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** A named endpoint and model. */
export interface JudgePreset {
  readonly baseUrl: string;
  readonly model: string;
  /** Environment variable that holds the API key; `null` where the server needs none. */
  readonly apiKeyEnv: string | null;
  /** Known list prices, `null` when unknown; local servers cost nothing per token. */
  readonly prices: TokenPrices | null;
  readonly note: string;
}

const GEMINI = 'https://generativelanguage.googleapis.com/v1beta/openai/';

export const JUDGE_PRESETS: Readonly<Record<string, JudgePreset>> = Object.freeze({
  'gemini-2.0-flash': {
    baseUrl: GEMINI,
    model: 'gemini-2.0-flash',
    apiKeyEnv: 'GEMINI_API_KEY',
    prices: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    note: 'A judge of the paper. Google lists it as deprecated; gemini-2.5-flash-lite replaces it.',
  },
  'gemini-1.5-flash': {
    baseUrl: GEMINI,
    model: 'gemini-1.5-flash',
    apiKeyEnv: 'GEMINI_API_KEY',
    prices: { inputPerMillion: 0.075, outputPerMillion: 0.3 },
    note: 'A judge of the paper (prompts under 128k tokens). Retired by Google in 2025.',
  },
  'gemini-2.5-flash': {
    baseUrl: GEMINI,
    model: 'gemini-2.5-flash',
    apiKeyEnv: 'GEMINI_API_KEY',
    prices: { inputPerMillion: 0.3, outputPerMillion: 2.5 },
    note: 'Current Gemini Flash; thinking tokens are billed as output.',
  },
  'gemini-2.5-flash-lite': {
    baseUrl: GEMINI,
    model: 'gemini-2.5-flash-lite',
    apiKeyEnv: 'GEMINI_API_KEY',
    prices: { inputPerMillion: 0.1, outputPerMillion: 0.4 },
    note: 'The cheapest current Gemini.',
  },
  'deepseek-v3': {
    baseUrl: 'https://api.deepseek.com',
    model: 'deepseek-chat',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    prices: { inputPerMillion: 0.27, outputPerMillion: 1.1 },
    note: "A judge of the paper (DeepSeek-V3 as 'deepseek-chat'; cache-miss input price).",
  },
  'deepseek-r1': {
    baseUrl: 'https://api.deepseek.com',
    model: 'deepseek-reasoner',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    prices: { inputPerMillion: 0.55, outputPerMillion: 2.19 },
    note: 'Reasoning model; its chain of thought is billed as output. Use a larger maxTokens.',
  },
  'gpt-4o-mini': {
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    apiKeyEnv: 'OPENAI_API_KEY',
    prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    note: 'OpenAI.',
  },
  ollama: {
    baseUrl: 'http://localhost:11434/v1',
    model: 'llama3.1:8b',
    apiKeyEnv: null,
    prices: { inputPerMillion: 0, outputPerMillion: 0 },
    note: 'Local Ollama (`ollama serve`); pick any pulled model with --model.',
  },
  vllm: {
    baseUrl: 'http://localhost:8000/v1',
    model: 'Qwen/Qwen2.5-7B-Instruct',
    apiKeyEnv: 'VLLM_API_KEY',
    prices: { inputPerMillion: 0, outputPerMillion: 0 },
    note: 'Local `vllm serve <model>`; the key is optional (only if started with --api-key).',
  },
  'llama.cpp': {
    baseUrl: 'http://localhost:8080/v1',
    model: 'default',
    apiKeyEnv: 'LLAMA_API_KEY',
    prices: { inputPerMillion: 0, outputPerMillion: 0 },
    note: 'Local `llama-server -m model.gguf`; serves one model whatever the name; key optional.',
  },
});

/** Hosts on the local machine, where a missing API key is not an error. */
export function isLocalUrl(baseUrl: string): boolean {
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}
