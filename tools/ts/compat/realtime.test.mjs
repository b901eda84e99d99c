// Two realtime clients that are not ours against `groupme fake`'s push
// service (/faye): the faye reference client (npm faye, pinned in
// package.json), over WebSocket and over long-polling, and node-groupme's
// realtime client (the version package.json pins for the REST test). Each
// subscribes to the user's channel and must receive a message another user
// posts through the REST API. Run after `tsc` built ../build/fake.js (make
// compat does both).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, test } from "node:test";
import { buildGroupme, startFake } from "../build/fake.js";

const require = createRequire(import.meta.url);
// CommonJS, so that node-groupme (which requires "faye" itself) sees the
// same module object and the redirect below.
const faye = require("faye");
const GroupMe = require("node-groupme").default ?? require("node-groupme");
const rest = require("node-groupme/dist/rest/rest.js");

let fake;
let pushURL;
let me;
let other;

before(async () => {
  fake = await startFake(buildGroupme(), ["--messages", "20", "--seed", "9"]);
  pushURL = fake.info.image_base_url + "/faye";
  [me, other] = fake.info.users;
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, "groupme fake must exit 0 on SIGTERM; its log:\n" + fake.stderr());
  assert.ok(!fake.stderr().includes("SPEC VIOLATION"), "the fake broke the spec:\n" + fake.stderr());
});

/** Posts text to the big group as `other` through the REST API. */
async function post(text) {
  const res = await fetch(`${fake.info.api_base_url}/groups/${fake.info.big_group_id}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Access-Token": other.token },
    body: JSON.stringify({ message: { source_guid: `compat-${Date.now()}-${Math.random()}`, text } }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()).response.message;
}

/** Resolves with the first value for which pick returns something, or
 * rejects after ms (a bound on a broken run, not a measurement). */
function within(ms, what, start) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    start((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

for (const transport of ["websocket", "long-polling"]) {
  test(`faye 1.4.3 (${transport}) receives a message posted through REST`, async () => {
    const client = new faye.Client(pushURL, { timeout: 30 });
    if (transport === "long-polling") client.disable("websocket");
    client.addExtension({
      outgoing(msg, callback) {
        if (msg.channel === "/meta/subscribe") {
          msg.ext = { access_token: me.token, timestamp: Math.floor(Date.now() / 1000) };
        }
        callback(msg);
      },
    });
    let onMessage = () => {};
    const sub = client.subscribe(`/user/${me.id}`, (data) => onMessage(data));
    try {
      // faye batches this subscription with a connect asking for
      // advice.timeout 0; the fake must answer it at once, not after 30 s.
      const started = Date.now();
      await within(10_000, "subscription confirmed", (done) => sub.then(done, (err) => assert.fail(`subscribe: ${err?.message ?? err}`)));
      const waited = Date.now() - started;
      assert.ok(waited < 10_000, `subscription took ${waited} ms`);

      const got = within(20_000, "the pushed message", (done) => {
        onMessage = (data) => {
          if (data?.type === "line.create" && data.subject?.text === `faye over ${transport}`) done(data);
        };
      });
      const sent = await post(`faye over ${transport}`);
      const data = await got;
      assert.equal(data.subject.id, sent.id);
      assert.equal(data.subject.group_id, fake.info.big_group_id);
    } finally {
      await sub.cancel();
      client.disconnect();
    }
  });
}

test("node-groupme's realtime client receives a message posted through REST", async () => {
  // node-groupme connects to https://push.groupme.com/faye and reads REST
  // URLs from a table; point both at the fake.
  rest.default.URLS.v3 = fake.info.api_base_url + "/";
  const RealClient = faye.Client;
  faye.Client = function FakePush(_url, options) {
    return new RealClient(pushURL, options);
  };
  const client = new GroupMe.Client(me.token);
  try {
    // login subscribes to /user/{id} (ext carries only access_token).
    await within(20_000, "node-groupme login with its websocket", (done) => client.login().then(done, (err) => assert.fail(`login: ${err?.message ?? err}`)));
    assert.equal(client.user.id, me.id);

    const got = within(20_000, "node-groupme's message event", (done) => {
      client.on("message", (m) => {
        if (m.text === "hello node-groupme realtime") done(m);
      });
    });
    const sent = await post("hello node-groupme realtime");
    const m = await got;
    assert.equal(m.id, sent.id);
    assert.equal(m.channel.id, fake.info.big_group_id);
    assert.equal(m.user.id, other.id);
  } finally {
    faye.Client = RealClient;
    await client.logout();
  }
});
