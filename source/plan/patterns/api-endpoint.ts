import {planHeader, type Pattern} from './header.js';

export const apiEndpointPattern: Pattern = {
	description: 'an API endpoint: contract, handler, validation, tests, docs',
	render: (input) =>
		planHeader(input, 'api-endpoint', [
			'One API endpoint, contract first: agree on the request and response, then implement,',
			'validate input, test and document it. <METHOD /path> is the endpoint, e.g. GET /users/{id}.',
		]) +
		`phases:
  # Phase 1: the contract, so handler, tests and docs all build against the same shape.
  - id: contract
    title: Contract
    steps:
      # Request, response and error shapes in your API description (OpenAPI, types, schema).
      - id: A001
        title: Write the contract
        agent: code-writer
        prompt: "Describe <METHOD /path> in <contract file>: parameters, request body, response body, status codes and error shapes. <what the endpoint does>"
        files: ["<contract file>"]

  # Phase 2: the handler that fulfils the contract.
  - id: handler
    title: Handler
    steps:
      # The endpoint's logic and its route registration.
      - id: A002
        title: Implement the handler
        agent: code-writer
        prompt: "Implement <METHOD /path> in <handler file> as described in <contract file>, and register its route"
        files: ["<handler file>", "<routes file>"]

  # Phase 3: reject bad input before it reaches the logic, with the contract's error shapes.
  - id: validation
    title: Validation
    steps:
      # Validate parameters and body; answer 400/422 with the documented error body.
      - id: A003
        title: Validate the input
        agent: code-writer
        prompt: "Validate the parameters and body of <METHOD /path> against <contract file>; answer invalid requests with the documented status and error body"
        files: ["<handler file>", "<validation file>"]

  # Phase 4: tests. The two steps touch different files, so they may run side by side
  # (parallel: true; \`orchestrator run --max-parallel 2\`).
  - id: tests
    title: Tests
    steps:
      # The contract: every documented status code and body shape.
      - id: A004
        title: Contract tests
        agent: test-writer
        prompt: "Write tests that call <METHOD /path> and check every status code and body shape of <contract file>"
        files: ["<contract test file>"]
        parallel: true
      # Bad input: each validation rule rejects what it should and nothing more.
      - id: A005
        title: Validation tests
        agent: test-writer
        prompt: "Write tests for the input validation of <METHOD /path>: missing, malformed and boundary values"
        files: ["<validation test file>"]
        parallel: true

  # Phase 5: docs people read, generated from or checked against the contract.
  - id: docs
    title: Docs
    steps:
      # An example request and response, and the errors a client must handle.
      - id: A006
        title: Document the endpoint
        agent: documenter
        prompt: "Document <METHOD /path> in <API docs file>: purpose, an example request and response, errors, and a CHANGELOG entry"
        files: ["<API docs file>", CHANGELOG.md]
`,
};
