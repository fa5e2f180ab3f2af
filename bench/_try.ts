import { measureBundles } from './bundles.ts';
const r = await measureBundles({ outDir: '/tmp/gpbench/out', runs: 3 });
console.log(JSON.stringify(r, null, 1));
