// tfjs prints an "install tfjs-node" banner whenever the cpu backend starts in Node; the CLI
// silences it the same way (src/cli/main.ts), so tests see what users see.
import { tf } from '../src/runtime/tf.ts';

tf.enableProdMode();
