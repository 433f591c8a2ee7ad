import { z } from 'zod';

/**
 * The one place the app gets zod from (issue 21 #4). zod 4 compiles object schemas into code with
 * `new Function` and probes whether it may (`allowsEval`, a caught `Function("")`); under the
 * app's CSP (no 'unsafe-eval') Firefox reports that probe as a violation even though the error is
 * caught. `jitless` turns both off: objects are checked by zod's interpreter, and the probe is
 * never run. The switch must be set before any schema is built (an object schema reads it when it
 * is created), so every module that builds schemas imports `z` from here, never from 'zod'
 * (eslint enforces it): ES modules run this file's body before the body of any module importing it.
 * The server shares these schemas, so it validates jitless too.
 */
z.config({ jitless: true });

export { z };
