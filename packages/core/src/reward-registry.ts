// Reward models by name, as a command line or a config file names them (`offline`, `ensemble:<dir>`,
// `module:<file.js>`): one registry of factories that a program extends, each given the run's seed.

import { checkedRewardModel, rewardTimeLimitSeconds } from './checked-reward.js';
import { nearestName } from './config.js';
import { describeValue, ResourceError, UsageError, ValidationError } from './errors.js';
import { loadModuleDefault } from './module-default.js';
import { moduleFile } from './module-file.js';
import type { RewardModel } from './reward.js';
import { checkNumber } from './validate.js';

/** What every reward-model factory is given besides the spec's argument. */
export interface RewardModelContext {
  /** The run's seed: a model that samples (an interval judge's rHat draws) seeds itself from it. */
  readonly seed: number;
  /**
   * Settings the caller has for the model, e.g. the offline judge's `minWidth` and `maxWidth`; a
   * factory reads those it knows (and may reject the rest).
   */
  readonly options?: Readonly<Record<string, unknown>>;
  /** What a relative path in the spec is relative to (default: the working directory). */
  readonly baseDir?: string;
  /** Aborts a factory's slow work (loading a model, a first request). */
  readonly signal?: AbortSignal;
  /**
   * Seconds each `score()` call of the model has to answer (default: `VA_REWARD_TIME_LIMIT`, else
   * 600, `DEFAULT_REWARD_TIME_LIMIT_S`).
   */
  readonly timeLimitSeconds?: number;
}

/**
 * Makes a reward model from the part of the spec after `name:` (`''` for a bare `name`). A factory
 * registered with an `argument` always gets a non-empty one; one without never gets one.
 */
export type RewardModelFactory = (
  arg: string,
  context: RewardModelContext,
) => RewardModel | Promise<RewardModel>;

/** Options of {@link RewardModelRegistry.register}. */
export interface RewardModelRegistration {
  /** One line for help and errors. */
  readonly description?: string;
  /** The argument the name takes, as help shows it (`<dir>`); without one the name takes none. */
  readonly argument?: string;
  /** Replace a factory already registered under the name (default false: that is an error). */
  readonly replace?: boolean;
}

/** A registered name, for help and errors. */
export interface RewardModelEntry {
  readonly name: string;
  /** How a spec writes it: `offline`, `ensemble:<dir>`. */
  readonly usage: string;
  readonly description: string;
}

/**
 * `module:<file>`: an ES module whose default export is a RewardModel or a function, possibly async,
 * that gets the {@link RewardModelContext} (its seed, options, signal) and returns one.
 */
async function moduleRewardModel(arg: string, context: RewardModelContext): Promise<RewardModel> {
  // What it gives is checked by `create`, as every factory's result is.
  return (await loadModuleDefault(arg, {
    baseDir: context.baseDir,
    args: [context],
    onImportError: (cause, file) =>
      new ResourceError(
        `reward 'module:${arg}': cannot import ${file} (${(cause as Error).message})`,
        { cause },
      ),
  })) as RewardModel;
}

interface Registered extends RewardModelEntry {
  readonly factory: RewardModelFactory;
  readonly takesArgument: boolean;
}

/**
 * Named reward-model factories; `module:<file.js>` is built in. Specs are `name` or `name:arg`
 * (split at the first colon, so `module:C:\x.js` keeps its drive letter).
 */
export class RewardModelRegistry {
  private readonly entries = new Map<string, Registered>();
  /** Said after the known names when a name is unknown, e.g. where more names are registered. */
  private readonly unknownHint: string | undefined;

  constructor(options: { unknownHint?: string } = {}) {
    this.unknownHint = options.unknownHint;
    this.register('module', moduleRewardModel, {
      argument: '<file.js>',
      description:
        'an ES module whose default export is a RewardModel or a function of the context returning one',
    });
  }

  /** Registers `factory` under `name` (letters, digits, `-`, `_`); returns the registry. */
  register(name: string, factory: RewardModelFactory, options: RewardModelRegistration = {}): this {
    const where = 'RewardModelRegistry.register';
    if (typeof name !== 'string' || !/^[a-z][a-z0-9_-]*$/i.test(name)) {
      throw new ValidationError(where, 'name', 'a name of letters, digits, - and _', name);
    }
    if (typeof factory !== 'function') {
      throw new ValidationError(
        where,
        'factory',
        'a function (arg, context) => RewardModel',
        factory,
      );
    }
    if (this.entries.has(name) && options.replace !== true) {
      throw new ValidationError(
        where,
        'name',
        'a name not registered yet',
        name,
        'Pass { replace: true } to replace its factory',
      );
    }
    this.entries.set(name, {
      name,
      usage: options.argument ? `${name}:${options.argument}` : name,
      description: options.description ?? '',
      factory,
      takesArgument: options.argument !== undefined,
    });
    return this;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The registered names with their usage and description, in registration order. */
  list(): RewardModelEntry[] {
    return [...this.entries.values()].map(({ name, usage, description }) => ({
      name,
      usage,
      description,
    }));
  }

  /** The forms a spec takes, for help: `offline | ensemble:<dir> | module:<file.js>`. */
  usage(): string {
    return this.list()
      .map((e) => e.usage)
      .join(' | ');
  }

  /**
   * The reward model `spec` names, made by its factory with `context`. An unknown name is a
   * {@link UsageError} listing the known ones; what the factory returns is checked to be a
   * RewardModel (`{ name, score() }`), and is returned behind {@link checkedRewardModel}: every
   * answer checked, each call with its time limit, every failure naming `spec`.
   */
  async create(spec: string, context: RewardModelContext): Promise<RewardModel> {
    const where = 'RewardModelRegistry.create';
    if (typeof spec !== 'string' || spec === '') {
      throw new ValidationError(where, 'spec', `a reward model: ${this.usage()}`, spec);
    }
    checkNumber(where, 'context.seed', context?.seed, { integer: true });
    const colon = spec.indexOf(':');
    const name = colon < 0 ? spec : spec.slice(0, colon);
    const arg = colon < 0 ? '' : spec.slice(colon + 1);
    const entry = this.entries.get(name);
    if (!entry) {
      const near = nearestName(name, [...this.entries.keys()]);
      throw new UsageError(
        `unknown reward model '${spec}'; expected ${this.usage()}.` +
          (near ? ` Did you mean '${near}'?` : '') +
          (this.unknownHint ? ` ${this.unknownHint}` : ''),
      );
    }
    if (entry.takesArgument && arg === '') {
      throw new UsageError(`reward model '${spec}': expected ${entry.usage}`);
    }
    if (!entry.takesArgument && colon >= 0) {
      throw new UsageError(`reward model '${spec}': '${name}' takes no argument; write '${name}'`);
    }
    const model = await entry.factory(arg, context);
    if (!model || typeof model.score !== 'function' || typeof model.name !== 'string') {
      throw new ResourceError(
        `reward model '${spec}': expected a RewardModel ({ name, score() }), got ${describeValue(model)}; ` +
          (name === 'module'
            ? `the default export of ${moduleFile(arg, context.baseDir).path} must be a RewardModel or a function returning one`
            : `fix the factory registered as '${name}'`),
      );
    }
    return checkedRewardModel(model, spec, context.timeLimitSeconds ?? rewardTimeLimitSeconds());
  }
}
