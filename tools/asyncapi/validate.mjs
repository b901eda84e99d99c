// Validates an AsyncAPI document whose payloads are OpenAPI 3.0 schemas
// (schemaFormat application/vnd.oai.openapi;version=3.0.0), with
// @asyncapi/parser and @asyncapi/openapi-schema-parser.
//
// Why not `asyncapi validate` (the CLI): the OpenAPI-to-JSON-Schema
// converter it uses rewrites the elements of shared allOf/oneOf arrays in
// place even when asked to clone, so a schema of openapi.yaml reached from
// two payloads (Message, from line.create and favorite) is converted twice
// and the run fails about half the time with "Type [\"integer\",\"null\"] is
// not a valid type". Here every payload is deep-copied before conversion.
//
// Usage: node validate.mjs FILE. Exit 0 when valid (no error diagnostics),
// 1 otherwise. It reads only local files: no network.
import { Parser, fromFile, DiagnosticSeverity } from '@asyncapi/parser';
import { OpenAPISchemaParser } from '@asyncapi/openapi-schema-parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs ASYNCAPI_FILE');
  process.exit(2);
}
const openapi = OpenAPISchemaParser();
const copying = {
  ...openapi,
  parse: (input) => openapi.parse({ ...input, data: structuredClone(input.data) }),
};
const parser = new Parser({ schemaParsers: [copying] });
const { document, diagnostics } = await fromFile(parser, file).parse();
const names = ['error', 'warning', 'information', 'hint'];
let errors = 0;
for (const d of diagnostics) {
  if (d.severity === DiagnosticSeverity.Error) errors++;
  const line = d.range ? d.range.start.line + 1 : 0;
  console.log(`${file}:${line}: ${names[d.severity] ?? d.severity}: ${d.message} (${d.code}) at ${d.path.join('.')}`);
}
if (!document || errors > 0) {
  console.error(`${file}: ${errors} error(s)`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()} (${document.channels().length} channels, ${document.messages().length} messages)`);
