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
// - PeerTube writes some patterns as JavaScript regex literals ("/^[a-z0-9]$/", "/magnet:\?xt=.../i"). JSON Schema
//   patterns have no delimiters, and these are not meant literally (PeerTube's own 32-character client ids do not match
//   "^[a-z0-9]$"): they are left out here and the test checks those values itself;
// - "nullable: true" beside "allOf"/"$ref" (no "type") means "this or null" in OpenAPI 3.0: written as anyOf;
// - OpenAPI-only keywords (example, xml, discriminator...) are ignored (strict: false); nullable with a type is ajv's own.
export const skippedPatterns = [];
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
    } else if (key === 'pattern' && typeof value === 'string' && /^\/.*\/[a-z]*$/s.test(value)) {
      skippedPatterns.push(value);
    } else if (key === 'example' || key === 'examples') {
      // documentation only
    } else {
      out[key] = adjust(value);
    }
  }
  if (out.nullable === true && out.type === undefined) {
    delete out.nullable;
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
// Formats PeerTube's document uses that are not JSON Schema's: "url" is an absolute URL as "uri".
ajv.addFormat('url', { type: 'string', validate: (s) => { try { new URL(s); return true; } catch { return false; } } });
// "uri": ajv-formats refuses an empty hier-part ("magnet:?xt=urn:btih:…", every PeerTube magnet) that RFC 3986 allows:
// a scheme, then characters a URI may hold, parsed by the WHATWG URL parser.
ajv.addFormat('uri', {
  type: 'string',
  validate: (s) => { if (!/^[a-z][a-z0-9+.-]*:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/i.test(s)) return false; try { new URL(s); return true; } catch { return false; } },
});
// "seconds": a whole number of seconds (durations).
ajv.addFormat('seconds', { type: 'number', validate: (n) => Number.isInteger(n) && n >= 0 });
// "hostname" for an actor's host: PeerTube's own hosts carry the port when it is not the scheme's (localhost:9000).
ajv.addFormat('hostname', /^(?=.{1,253}(:\d{1,5})?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/i);
ajv.addSchema({ $id: 'spec', components: adjust(spec.components) });

let failed = false;
for (const c of cases) {
  const operation = spec.paths?.[c.path]?.[c.method.toLowerCase()];
  const response = operation?.responses?.[String(c.status)];
  // c.schema names a component instead, where the operation's own schema is wrong (the test says why).
  const schema = c.schema ? { $ref: '#/components/schemas/' + c.schema } : response?.content?.['application/json']?.schema;
  if (!operation || !response || !schema) {
    failed = true;
    console.log(JSON.stringify({ name: c.name, ok: false, errors: [`no JSON schema in the spec for ${c.method} ${c.path} ${c.status}`] }));
    continue;
  }
  let validate;
  try {
    validate = ajv.compile(adjust(schema));
  } catch (err) {
    failed = true;
    console.log(JSON.stringify({ name: c.name, ok: false, errors: [`schema does not compile: ${err.message}`] }));
    continue;
  }
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
