// `npm run synth` (root) => plain manifests in dist/k8s/hft-platform.k8s.yaml.
//   npx tsx cdk8s/src/main.ts [--values overrides.yaml] [--outdir dir]
// The overrides file has the shape of PlatformConfig (any subset; unknown keys fail the synth).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { App, YamlOutputType } from "cdk8s";
import { loadConfig } from "./config.js";
import { HftPlatform } from "./platform.js";

const { values } = parseArgs({
  options: {
    values: { type: "string" },
    outdir: { type: "string", default: fileURLToPath(new URL("../../dist/k8s", import.meta.url)) },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log("usage: tsx cdk8s/src/main.ts [--values overrides.yaml] [--outdir dir]");
  process.exit(0);
}

const config = loadConfig(values.values);
const app = new App({
  outdir: values.outdir,
  yamlOutputType: YamlOutputType.FILE_PER_CHART,
  outputFileExtension: ".k8s.yaml",
});
new HftPlatform(app, config.name, config);
app.synth();
console.log(
  `synthesized ${app.charts[0].toJson().length} objects to ${values.outdir}/${config.name}.k8s.yaml`,
);
