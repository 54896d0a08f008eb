// Validates every document of the given multi-document YAML files against the JSON schemas published in
// kubernetes-models (Kubernetes OpenAPI), @kubernetes-models/cert-manager (cert-manager CRDs) and
// @kubernetes-models/gateway-api (Gateway API CRDs).
// Prints one line per object; exits 1 if any object is invalid or of a kind without a published schema.
import { readFileSync } from "node:fs";
import { loadAll } from "js-yaml";

function moduleFor(apiVersion) {
  if (apiVersion.endsWith("cert-manager.io/v1")) {
    return `@kubernetes-models/cert-manager/${apiVersion}`;
  }
  if (apiVersion.startsWith("gateway.networking.k8s.io/")) {
    return `@kubernetes-models/gateway-api/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of loadAll(readFileSync(file, "utf8"))) {
    if (doc == null) continue;
    const id = `${file}: ${doc.apiVersion} ${doc.kind}/${doc.metadata?.name}`;
    let Model;
    try {
      Model = (await import(moduleFor(doc.apiVersion)))[doc.kind];
    } catch (e) {
      Model = undefined;
    }
    if (typeof Model !== "function") {
      console.log(`INVALID ${id}: no published schema for this apiVersion/kind`);
      failures++;
      continue;
    }
    try {
      new Model(doc).validate();
      console.log(`valid ${id}`);
      checked++;
    } catch (e) {
      console.log(`INVALID ${id}: ${e.message}`);
      failures++;
    }
  }
}
console.log(`${checked} valid, ${failures} invalid`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
