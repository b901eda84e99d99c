# A GroupMe bot in plain Python: answers "!ping" with "pong". See the
# README's "Writing a bot". Run: BOT_ID=... PORT=8000 GROUPME_API=... python3 pingbot.py
import json, os, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

API = os.environ.get("GROUPME_API", "https://api.groupme.com/v3")
BOT_ID = os.environ["BOT_ID"]

class Bot(BaseHTTPRequestHandler):
    def do_POST(self):
        msg = json.loads(self.rfile.read(min(int(self.headers.get("Content-Length", 0)), 1 << 20)) or b"{}")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        if msg.get("sender_type") != "bot" and (msg.get("text") or "").strip() == "!ping":
            body = json.dumps({"bot_id": BOT_ID, "text": "pong"}).encode()
            req = urllib.request.Request(API + "/bots/post", body, {"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=10).close()

server = HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Bot)
print("listening on", server.server_address, flush=True)
server.serve_forever()
