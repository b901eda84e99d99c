// node-groupme (a third-party client from npm, pinned in package.json)
// against `groupme fake`: every call it makes for users, groups, members,
// messages, chats and direct messages must succeed. Run after `tsc` built
// ../build/fake.js (make compat does both).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import GroupMe from "node-groupme";
import rest from "node-groupme/dist/rest/rest.js";
import { buildGroupme, startFake } from "../build/fake.js";

let fake;
let client;
let me;

before(async () => {
  fake = await startFake(buildGroupme(), ["--messages", "420", "--seed", "5"]);
  // node-groupme has no base-URL option: its REST manager reads this table.
  rest.default.URLS.v3 = fake.info.api_base_url + "/";
  me = fake.info.users[0];
  client = new GroupMe.Client(me.token, { websocket: false });
});

after(async () => {
  const code = await fake.stop();
  assert.equal(code, 0, "groupme fake must exit 0 on SIGTERM; its log:\n" + fake.stderr());
  assert.ok(!fake.stderr().includes("SPEC VIOLATION"), "the fake broke the spec:\n" + fake.stderr());
});

test("login reads /users/me", async () => {
  await client.login();
  assert.equal(client.user.id, me.id);
  assert.equal(client.user.name, me.name);
});

test("groups: every page, one group, one short page", async () => {
  const all = await client.groups.fetch();
  for (const id of fake.info.group_ids) assert.ok(all.has(id), `group ${id} missing`);
  const big = await client.groups.fetch(fake.info.big_group_id);
  assert.equal(big.id, fake.info.big_group_id);
  const page = await client.groups.fetch({ page: 1, per_page: 2, omit_members: true });
  assert.equal(page.size, 2);
});

test("members of the big group", async () => {
  const group = await client.groups.fetch(fake.info.big_group_id);
  const members = await group.members.fetch();
  assert.equal(members.size, fake.info.users.length);
  const ids = [...members.values()].map((m) => m.user.id);
  assert.ok(ids.includes(me.id));
});

test("group messages: all of them (before_id to the 304), then since_id to the end", async () => {
  const group = await client.groups.fetch(fake.info.big_group_id);
  const all = await group.messages.fetch();
  assert.ok(all.size >= 420, `only ${all.size} messages`);

  // Forward from the 150th oldest message with since_id until nothing is new.
  const ids = [...all.keys()].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  let since = ids[149];
  const seen = new Set();
  for (let i = 0; i < 100; i++) {
    const batch = await group.messages.fetch({ since_id: since, limit: 100 });
    if (batch.size === 0) break; // the 304 at the end
    for (const id of batch.keys()) {
      assert.ok(BigInt(id) > BigInt(since), `since_id ${since} gave ${id}`);
      seen.add(id);
    }
    since = [...batch.keys()].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
  }
  assert.equal(since, ids[ids.length - 1], "since_id paging did not reach the newest message");
  assert.ok(seen.size > 0);

  const sent = await group.send("hello from node-groupme");
  assert.equal(sent.text, "hello from node-groupme");
  const newer = await group.messages.fetch({ since_id: since });
  assert.ok(newer.has(sent.id), "the new message is not after the old newest");
});

test("chats and direct messages", async () => {
  const chats = await client.chats.fetchChats({});
  assert.ok(chats.size >= 1, "no chats");
  for (const chat of chats.values()) {
    const msgs = await chat.messages.fetch();
    assert.ok(msgs.size >= 1, `no messages with ${chat.recipient.id}`);
    const newest = [...msgs.keys()].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
    const none = await chat.messages.fetch({ since_id: newest });
    assert.equal(none.size, 0);
  }
  const chat = chats.first();
  const dm = await chat.send("hi from node-groupme");
  assert.equal(dm.text, "hi from node-groupme");
  const after = await chat.messages.fetch({ limit: 5 });
  assert.ok(after.has(dm.id), "the direct message is not listed");
});

test("a group's life: create, update, join by share link, hand over, leave, former groups, destroy", async () => {
  const created = await client.groups.create({
    name: "node-groupme club",
    description: "made by a third-party client",
    share: true,
    join_question: "Why do you want to join?",
  });
  assert.equal(created.name, "node-groupme club");
  const updated = await created.update({ name: "node-groupme club 2", office_mode: true });
  assert.equal(updated.name, "node-groupme club 2");

  // A second user joins with the share link, which node-groupme parses.
  assert.match(created.inviteURL ?? "", /^https:\/\/.*groupme\.com\//);
  const ben = new GroupMe.Client(fake.info.users[1].token, { websocket: false });
  await ben.login();
  const joined = await ben.groups.join(created.inviteURL);
  assert.equal(joined.id, created.id);

  // Ownership to Ben and back.
  const group = await client.groups.fetch(created.id);
  await group.transferOwnershipTo(fake.info.users[1].id);
  const back = await ben.groups.fetch(created.id);
  await back.transferOwnershipTo(me.id);

  // Ben leaves (removes his own membership): the group becomes one of his
  // former groups, which only leaving on your own does.
  const benView = await ben.groups.fetch(created.id);
  const members = await benView.members.fetch();
  const benMember = [...members.values()].find((m) => m.user.id === fake.info.users[1].id);
  assert.ok(benMember, "Ben is not a member");
  await benView.members.remove(benMember);
  const former = await ben.groups.former.fetch();
  assert.ok(former.has(created.id), "the group is not among Ben's former groups");

  await group.delete();
  await assert.rejects(client.groups.fetch(created.id), /404|not found/i);
});
