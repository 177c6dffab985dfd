/**
 * Prints the API's OpenAPI document (generated from api/contract), or with `--lint` validates it with
 * @apidevtools/swagger-parser and exits 1 on the first error. `npm run openapi [-- --lint]`.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { openApiDocument } from '../api/openapi';

const doc = openApiDocument();
if (process.argv.includes('--lint')) {
  SwaggerParser.validate(structuredClone(doc) as never).then(
    () => {
      const operations = Object.values(doc.paths ?? {}).reduce((n, item) => n + Object.keys(item ?? {}).length, 0);
      console.log(
        `OpenAPI ${doc.openapi}: valid, ${Object.keys(doc.paths ?? {}).length} paths, ${operations} operations`,
      );
    },
    (err: unknown) => {
      console.error(String(err));
      process.exit(1);
    },
  );
} else {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}
