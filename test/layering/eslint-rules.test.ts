// The layering rules in eslint.config.js fire: a market/ or report/ file importing TensorFlow.js
// or runtime/ fails lint; the same import in bench/ (where training lives) passes.
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('ESLint layering rules', () => {
  it('market/ importing @tensorflow/tfjs fails', async () => {
    const messages = await restricted('src/market/fixture.ts', "import * as tf from '@tensorflow/tfjs';\nexport const backend = tf.getBackend();\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("'@tensorflow/tfjs' import is restricted");
    expect(messages[0]).toContain('market/ and report/ never import TensorFlow.js');
  });

  it('report/ importing runtime/ fails', async () => {
    const messages = await restricted('src/report/fixture.ts', "import { initRuntime } from '../runtime/index.ts';\nexport const init = initRuntime;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('market/ and report/ never import runtime/');
  });

  it('bench/ importing runtime/native fails, and names runtime/index.ts', async () => {
    const messages = await restricted('src/bench/fixture.ts', "import { nativeAdam } from '../runtime/native/adam.ts';\nexport const a = nativeAdam;\n");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('internal to runtime/');
  });

  it('runtime/ itself may import its native backend', async () => {
    expect(await restricted('src/runtime/fixture.ts', "import { nativeAdam } from './native/adam.ts';\nexport const a = nativeAdam;\n")).toEqual([]);
  });

  it('cli/ importing a file inside a layer fails; the layer index (or a sub-layer index) passes', async () => {
    const inside = await restricted(
      'src/cli/commands/fixture.ts',
      "import { defaultStorePath } from '../../bench/store.ts';\nexport const a = defaultStorePath;\n",
    );
    expect(inside).toHaveLength(1);
    expect(inside[0]).toContain('cli/ imports a layer only through its index.ts');
    expect(
      await restricted(
        'src/cli/commands/fixture.ts',
        "import { defaultStorePath } from '../../bench/index.ts';\nimport { measureSweep } from '../../serve/measure/index.ts';\nexport const a = [defaultStorePath, measureSweep];\n",
      ),
    ).toEqual([]);
  });

  it('bench/ may import both', async () => {
    expect(
      await restricted(
        'src/bench/fixture.ts',
        "import * as tf from '@tensorflow/tfjs';\nimport { initRuntime } from '../runtime/index.ts';\nexport const a = [tf, initRuntime];\n",
      ),
    ).toEqual([]);
  });
});
