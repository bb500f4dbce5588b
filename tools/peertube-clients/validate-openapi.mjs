// Validates recorded API answers against PeerTube's OpenAPI document with a JSON-schema validator (ajv).
// Usage: node validate-openapi.mjs SPEC.yaml CASES.json
//   CASES.json: [{ "name": "...", "path": "/api/v1/videos/{id}", "method": "get", "status": 200, "body": {...} }, ...]
//   path is the spec's path template (the operation the answer came from).
// Prints one JSON line per case ({ name, ok, errors }) and exits 1 when a case fails or cannot be checked.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const [specPath, casesPath] = process.argv.slice(2);
if (!specPath || !casesPath) {
  console.error('usage: node validate-openapi.mjs SPEC.yaml CASES.json');
  process.exit(2);
}

const spec = YAML.parse(readFileSync(specPath, 'utf8'));
const cases = JSON.parse(readFileSync(casesPath, 'utf8'));

// OpenAPI 3.0 schema objects are JSON Schema with a few differences; ajv reads them after these adjustments:
// - "#/components/schemas/X" references resolve inside one document registered under the id "spec";
// - PeerTube writes some patterns as JavaScript regex literals ("/magnet:\?xt=.../i"): the slashes are removed;
// - OpenAPI-only keywords (example, xml, discriminator...) are ignored (strict: false), nullable is ajv's own.
function adjust(node) {
  if (Array.isArray(node)) {
    return node.map(adjust);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out[key] = 'spec' + value;
    } else if (key === 'pattern' && typeof value === 'string') {
      const literal = /^\/(.*)\/([a-z]*)$/s.exec(value);
      out[key] = literal ? literal[1] : value;
    } else if (key === 'example' || key === 'examples') {
      // documentation only
    } else {
      out[key] = adjust(value);
    }
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// Formats PeerTube's document uses that are not JSON Schema's: "url" is an absolute URL as "uri".
ajv.addFormat('url', { type: 'string', validate: (s) => { try { new URL(s); return true; } catch { return false; } } });
ajv.addSchema({ $id: 'spec', components: adjust(spec.components) });

let failed = false;
for (const c of cases) {
  const operation = spec.paths?.[c.path]?.[c.method.toLowerCase()];
  const response = operation?.responses?.[String(c.status)];
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) {
    failed = true;
    console.log(JSON.stringify({ name: c.name, ok: false, errors: [`no JSON schema in the spec for ${c.method} ${c.path} ${c.status}`] }));
    continue;
  }
  const validate = ajv.compile(adjust(schema));
  const ok = validate(c.body);
  if (!ok) {
    failed = true;
  }
  console.log(JSON.stringify({
    name: c.name,
    ok,
    errors: ok ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`),
  }));
}
process.exit(failed ? 1 : 0);
