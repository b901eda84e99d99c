// A TypeScript team's first day with the spec: types from openapi-typescript,
// calls through openapi-fetch, against `groupme fake`. Compiled with
// `tsc --strict` (so the types are checked too) and run by node's test runner.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/groupme.js";
import { buildGroupme, startFake, type RunningFake } from "./fake.js";

type Message = components["schemas"]["Message"];

let fake: RunningFake;

before(async () => {
  fake = await startFake(buildGroupme(), ["--messages", "250", "--seed", "11"]);
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, "groupme fake must exit 0 on SIGTERM; its log:\n" + fake.stderr());
  assert.ok(!fake.stderr().includes("SPEC VIOLATION"), "the fake broke the spec:\n" + fake.stderr());
});

// The recipe: the token in the X-Access-Token header, the API base URL for
// everything but uploads.
function api(token?: string) {
  return createClient<paths>({
    baseUrl: fake.info.api_base_url,
    headers: token ? { "X-Access-Token": token } : {},
  });
}

function me() {
  const u = fake.info.users[0];
  assert.ok(u);
  return u;
}

let guid = 0;
function sourceGuid(): string {
  guid++;
  return `ts-smoke-${process.pid}-${guid}`;
}

test("GET /users/me, with the token in the header or in the query", async () => {
  const { data, error, response } = await api(me().token).GET("/users/me");
  assert.equal(response.status, 200, JSON.stringify(error));
  assert.ok(data);
  // `response` is required in the envelope: no `?.` needed.
  assert.equal(data.response.id, me().id);
  assert.equal(data.response.name, me().name);

  const viaQuery = await api().GET("/users/me", { params: { query: { token: me().token } } });
  assert.equal(viaQuery.response.status, 200);
  assert.equal(viaQuery.data?.response.id, me().id);

  const denied = await api().GET("/users/me");
  assert.equal(denied.response.status, 401);
});

test("GET /groups lists the big group", async () => {
  const { data, response } = await api(me().token).GET("/groups", { params: { query: { per_page: 50 } } });
  assert.equal(response.status, 200);
  assert.ok(data);
  const ids = data.response.map((g) => g.id);
  assert.ok(ids.includes(fake.info.big_group_id), `groups ${ids.join(", ")}`);
});

test("pages a group's messages back with before_id until 304", async () => {
  const client = api(me().token);
  const group_id = fake.info.big_group_id;
  const seen = new Set<string>();
  let before_id: string | undefined;
  let total = -1;
  for (let page = 0; page < 100; page++) {
    const { data, response } = await client.GET("/groups/{group_id}/messages", {
      params: { path: { group_id }, query: before_id ? { limit: 100, before_id } : { limit: 100 } },
    });
    if (response.status === 304) {
      // The end: no body, and openapi-fetch knows it from Content-Length: 0.
      assert.equal(response.headers.get("Content-Length"), "0");
      assert.equal(data, undefined);
      break;
    }
    assert.equal(response.status, 200);
    assert.ok(data);
    total = data.response.count;
    const msgs: Message[] = data.response.messages;
    assert.ok(msgs.length > 0, "an empty 200 page");
    for (const m of msgs) {
      assert.ok(!seen.has(m.id), `message ${m.id} came twice`);
      if (before_id !== undefined) assert.ok(BigInt(m.id) < BigInt(before_id), "ids must go down");
      seen.add(m.id);
    }
    before_id = msgs[msgs.length - 1]!.id;
  }
  assert.ok(total >= 250, `count ${total}`);
  assert.equal(seen.size, total);
});

test("sends with source_guid, and a repeat is a 409", async () => {
  const client = api(me().token);
  const group_id = fake.info.big_group_id;
  const body = { message: { source_guid: sourceGuid(), text: "Hello from TypeScript" } };
  const first = await client.POST("/groups/{group_id}/messages", { params: { path: { group_id } }, body });
  assert.equal(first.response.status, 201);
  assert.equal(first.data?.response.message.text, "Hello from TypeScript");
  const again = await client.POST("/groups/{group_id}/messages", { params: { path: { group_id } }, body });
  assert.equal(again.response.status, 409);
  assert.equal(again.data, undefined);
});

test("likes a group message and a direct message", async () => {
  const client = api(me().token);
  const group_id = fake.info.big_group_id;
  const list = await client.GET("/groups/{group_id}/messages", { params: { path: { group_id }, query: { limit: 1 } } });
  const msg = list.data?.response.messages[0];
  assert.ok(msg);
  const liked = await client.POST("/messages/{conversation_id}/{message_id}/like", {
    params: { path: { conversation_id: group_id, message_id: msg.id } },
  });
  assert.equal(liked.response.status, 200, JSON.stringify(liked.error));

  const chat = fake.info.direct_conversations.find((c) => c.user_ids.includes(me().id));
  assert.ok(chat);
  const other = chat.user_ids.find((id) => id !== me().id);
  assert.ok(other);
  const dms = await client.GET("/direct_messages", { params: { query: { other_user_id: other } } });
  assert.equal(dms.response.status, 200);
  const dm = dms.data?.response.direct_messages[0];
  assert.ok(dm);
  // openapi-fetch percent-encodes the "+" of the conversation id.
  const likedDM = await client.POST("/messages/{conversation_id}/{message_id}/like", {
    params: { path: { conversation_id: chat.conversation_id, message_id: dm.id } },
  });
  assert.ok(likedDM.response.url.includes("%2B"), likedDM.response.url);
  assert.equal(likedDM.response.status, 200, JSON.stringify(likedDM.error));
});

test("creates a bot and posts as it without a token", async () => {
  const created = await api(me().token).POST("/bots", {
    body: { bot: { name: "TS bot", group_id: fake.info.big_group_id } },
  });
  assert.equal(created.response.status, 201);
  const bot_id = created.data?.response.bot.bot_id;
  assert.ok(bot_id);

  // No token; the 202's body is a single space, not JSON: read it as text.
  const posted = await api().POST("/bots/post", { body: { bot_id, text: "beep from TypeScript" }, parseAs: "text" });
  assert.equal(posted.response.status, 202, JSON.stringify(posted.error));
  assert.equal(posted.data, " ");

  const list = await api(me().token).GET("/groups/{group_id}/messages", {
    params: { path: { group_id: fake.info.big_group_id }, query: { limit: 1 } },
  });
  const newest = list.data?.response.messages[0];
  assert.equal(newest?.text, "beep from TypeScript");
  assert.equal(newest?.sender_type, "bot");
});

test("uploads an image to the image host and sends it", async () => {
  // The image service has its own base URL (image.groupme.com in
  // production); openapi-fetch ignores the spec's per-operation servers.
  const images = createClient<paths>({ baseUrl: fake.info.image_base_url, headers: { "X-Access-Token": me().token } });
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  );
  // The body is the raw bytes: openapi-typescript types `format: binary` as
  // string, so pass the bytes through a serializer that leaves them alone.
  const up = await images.POST("/pictures", {
    body: png as unknown as string,
    bodySerializer: (b: unknown) => b as BodyInit,
    headers: { "Content-Type": "image/png" },
  });
  assert.equal(up.response.status, 200, JSON.stringify(up.error));
  const url = up.data?.payload.url;
  assert.ok(url && url.startsWith(fake.info.image_base_url), url);

  const fetched = await fetch(url);
  assert.equal(fetched.status, 200);
  assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), png);

  const sent = await api(me().token).POST("/groups/{group_id}/messages", {
    params: { path: { group_id: fake.info.big_group_id } },
    body: { message: { source_guid: sourceGuid(), text: "a picture", attachments: [{ type: "image", url }] } },
  });
  assert.equal(sent.response.status, 201, JSON.stringify(sent.error));
  const att = sent.data?.response.message.attachments[0];
  assert.ok(att && att.type === "image");
  assert.equal("url" in att ? att.url : undefined, url);
});
