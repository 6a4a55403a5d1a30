// Interop client for Mesh's state-of-the-world ADS (gRFC A27), run by SotwInteropTests.
// A client we did not write (@grpc/grpc-js-xds) resolves xds:///greeter through Mesh and calls backends registered
// in Mesh's catalog: first backend "a"; then "b" is registered and "a" deregistered, and calls must move to "b".
// Usage: GRPC_XDS_BOOTSTRAP=bootstrap.json node client.js <mesh-http-address>
// Prints one JSON line per phase; exits 0 on success, 1 with a reason on stderr otherwise.
'use strict';

const grpc = require('@grpc/grpc-js');
const grpcXds = require('@grpc/grpc-js-xds');

const httpAddress = process.argv[2];
const nodeName = 'interop-node';
const identity = (value) => value;
// A unary method on raw bytes: the request is ignored, the reply is the backend's name.
const greeter = {
  sayHello: {
    path: '/interop.Greeter/SayHello',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

function startBackend(name) {
  const server = new grpc.Server();
  server.addService(greeter, { sayHello: (call, callback) => callback(null, Buffer.from(name)) });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) { reject(error); } else { resolve({ name, server, port }); }
    });
  });
}

async function put(path, body) {
  const response = await fetch(new URL(path, httpAddress), { method: 'PUT', body: JSON.stringify(body) });
  if (!response.ok) {
    throw new Error(`PUT ${path} returned ${response.status}: ${await response.text()}`);
  }
}

function register(backend) {
  return put('/v1/catalog/register', {
    Node: nodeName,
    Address: '127.0.0.1',
    Service: { ID: 'greeter-' + backend.name, Service: 'greeter', Address: '127.0.0.1', Port: backend.port },
  });
}

function deregister(backend) {
  return put('/v1/catalog/deregister', { Node: nodeName, ServiceID: 'greeter-' + backend.name });
}

function call(client) {
  return new Promise((resolve) => {
    const deadline = new Date(Date.now() + 2000);
    client.sayHello(Buffer.alloc(0), { deadline, waitForReady: true }, (error, reply) => {
      resolve(error ? { error: `${error.code} ${error.details}` } : { backend: reply.toString() });
    });
  });
}

// Calls until `wanted` answers `streak` times in a row; returns what answered on the way.
async function callUntil(client, wanted, streak, timeoutMs) {
  const seen = {};
  let run = 0;
  let lastError = null;
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const result = await call(client);
    const key = result.backend ?? 'error';
    seen[key] = (seen[key] ?? 0) + 1;
    lastError = result.error ?? lastError;
    run = result.backend === wanted ? run + 1 : 0;
    if (run >= streak) {
      return seen;
    }
    if (result.error) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`calls never settled on backend ${wanted}: ${JSON.stringify(seen)}; last error: ${lastError}`);
}

async function main() {
  if (!httpAddress || !process.env.GRPC_XDS_BOOTSTRAP) {
    throw new Error('usage: GRPC_XDS_BOOTSTRAP=bootstrap.json node client.js <mesh-http-address>');
  }
  grpcXds.register();
  const a = await startBackend('a');
  const b = await startBackend('b');
  await register(a);

  const Client = grpc.makeGenericClientConstructor(greeter, 'Greeter');
  const client = new Client('xds:///greeter', grpc.credentials.createInsecure());
  const first = await callUntil(client, 'a', 3, 20000);
  console.log(JSON.stringify({ phase: 'first', seen: first }));

  await register(b);
  await deregister(a);
  const second = await callUntil(client, 'b', 5, 20000);
  console.log(JSON.stringify({ phase: 'moved', seen: second }));

  // After the move, "a" must not answer again.
  const after = {};
  for (let i = 0; i < 5; i++) {
    const result = await call(client);
    const key = result.backend ?? 'error';
    after[key] = (after[key] ?? 0) + 1;
  }
  console.log(JSON.stringify({ phase: 'after', seen: after }));

  client.close();
  a.server.forceShutdown();
  b.server.forceShutdown();
}

main().then(
  () => process.exit(0),
  (error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); });
