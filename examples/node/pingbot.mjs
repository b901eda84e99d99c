// A GroupMe bot in plain Node.js (18 or later): answers "!ping" with
// "pong". See the README's "Writing a bot".
// Run: BOT_ID=... PORT=8000 GROUPME_API=... node pingbot.mjs
import http from "node:http";

const API = process.env.GROUPME_API ?? "https://api.groupme.com/v3";
const BOT_ID = process.env.BOT_ID;

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
    if (body.length > 1 << 20) req.destroy();
  });
  req.on("end", async () => {
    res.writeHead(200).end();
    let msg = {};
    try { msg = JSON.parse(body); } catch {}
    if (msg.sender_type !== "bot" && (msg.text ?? "").trim() === "!ping") {
      try {
        const post = await fetch(API + "/bots/post", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ bot_id: BOT_ID, text: "pong" }), signal: AbortSignal.timeout(10000),
        });
        if (!post.ok) console.error("bots/post:", post.status);
      } catch (err) {
        console.error("bots/post:", err.message);
      }
    }
  });
});
server.listen(Number(process.env.PORT ?? 8000), "127.0.0.1", () => console.log("listening on", server.address()));
