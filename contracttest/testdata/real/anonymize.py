#!/usr/bin/env python3
"""Anonymize a corpus file of real GroupMe exchanges, keeping its shape.

    python3 anonymize.py raw.json > contracttest/testdata/real/<source>.json

The input has the corpus format described in README.md. Every string that can
carry personal content (names, texts, emails, phone numbers, URLs, tokens,
GUIDs) is replaced by a placeholder of the same JSON type; ids are replaced
digit by digit, consistently across the file, so that a mention's user id
still matches a member's; keys, nulls, numbers, booleans, array lengths,
attachment types and nesting are left exactly as recorded.
"""
import hashlib
import json
import re
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SALT = "groupme-go corpus"

# Keys whose string values are free text or names: letters become "x",
# digits "0"; spaces, punctuation and symbols (such as the emoji
# placeholder character) stay, so lengths and mention offsets still fit.
TEXT_KEYS = {
    "name", "nickname", "text", "description", "topic", "group_name", "title",
    "question", "location", "bio", "address", "foursquare_venue_id",
    "label", "option", "subject", "summary", "body", "caption",
}
# Keys whose values are ids: every digit (and hex letter in hex ids) is
# replaced deterministically, so equal ids stay equal.
ID_KEYS = {
    "id", "user_id", "group_id", "sender_id", "creator_user_id", "bot_id",
    "message_id", "last_message_id", "reply_id", "base_reply_id", "conversation_id",
    "membership_id", "results_id", "chat_id", "event_id", "file_id", "poll_id",
    "owner_id", "recipient_id", "blocked_user_id", "guid", "source_guid",
    "last_read_id", "pinned_by", "user_ids", "favorited_by", "other_user_id",
    "parent_id", "mention_user_ids", "emoji_id",
    # calendar events and polls
    "creator_id", "going", "not_going", "voter_ids",
}
PHONE_KEYS = {"phone_number", "sms_number"}
EMAIL_KEYS = {"email"}
SECRET_KEYS = {"token", "access_token", "share_token", "split_token", "zip_code"}
GROUPME_HOSTS = re.compile(r"(^|\.)groupme\.com$")


def digest(s: str) -> bytes:
    return hashlib.sha256((SALT + s).encode()).digest()


def scramble(s: str) -> str:
    """Same length, same character classes; deterministic."""
    d = digest(s)
    out = []
    for i, c in enumerate(s):
        b = d[i % len(d)] ^ (i // len(d))
        if c.isdigit():
            # Keep a leading non-zero digit non-zero so number-like ids stay valid.
            out.append(str(1 + b % 9) if i == 0 and c != "0" else str(b % 10))
        elif c in "abcdef":
            out.append("0123456789abcdef"[b % 16])
        elif c in "ABCDEF":
            out.append("0123456789ABCDEF"[b % 16])
        elif c.isalpha():
            out.append(chr((ord("a") if c.islower() else ord("A")) + b % 26))
        else:
            out.append(c)
    return "".join(out)


def blank_text(s: str) -> str:
    return "".join("x" if c.isalpha() else "0" if c.isdigit() else c for c in s)


def anon_url(s: str) -> str:
    try:
        u = urlsplit(s)
    except ValueError:
        return blank_text(s)
    if not u.scheme or not u.netloc:
        return scramble(s)
    host = u.hostname or ""
    if not GROUPME_HOSTS.search(host):
        host = "example.com"
    path = "/".join(scramble(p) for p in u.path.split("/"))
    query = urlencode([(k, "REDACTED" if k in SECRET_KEYS else scramble(v)) for k, v in parse_qsl(u.query, keep_blank_values=True)])
    return urlunsplit((u.scheme, host, path, query, ""))


def anon_value(key, v):
    if isinstance(v, dict):
        return {k: anon_value(k, x) for k, x in v.items()}
    if isinstance(v, list):
        return [anon_value(key, x) for x in v]
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        if key in ID_KEYS:
            return int(scramble(str(v)))
        return v
    if isinstance(v, float):
        if key in ("lat", "lng"):
            return 0.0
        return v
    if not isinstance(v, str):
        return v
    # strings
    if key in SECRET_KEYS:
        return "REDACTED"
    if key in ("lat", "lng"):
        return "0.0"
    if key in ID_KEYS:
        # A word such as "system" (the user_id and sender_id of system
        # messages) is a sentinel GroupMe sends, not an id: kept.
        if re.fullmatch(r"[a-z_]+", v):
            return v
        return scramble(v)
    if key in PHONE_KEYS:
        return re.sub(r"\d", "5", v)
    if key in EMAIL_KEYS:
        return "user-" + scramble(v.split("@")[0])[:8].lower() + "@example.com" if "@" in v else blank_text(v)
    if re.match(r"^[a-z][a-z0-9+.-]*://", v):
        return anon_url(v)
    if key in TEXT_KEYS or key.endswith("_url") or key.endswith("_name"):
        return blank_text(v)
    return v


def anon_body(s):
    """A body that is JSON (given as text, or already as a value) becomes
    that JSON value, anonymized; any other body (empty, a single space, an
    HTML page) stays the string it was; no body stays null."""
    if s is None:
        return None
    if not isinstance(s, str):
        return anon_value(None, s)
    try:
        v = json.loads(s)
    except ValueError:
        return s  # not JSON: kept as text, it carries no personal data
    if isinstance(v, str):
        return s  # a JSON string would read back as raw text: keep the text
    return anon_value(None, v)


def anon_path(p: str) -> str:
    return "/".join(scramble(seg) if re.fullmatch(r"[0-9a-f+]{3,}", seg) and any(c.isdigit() for c in seg) else seg for seg in p.split("/"))


def anon_query(q: str) -> str:
    pairs = parse_qsl(q, keep_blank_values=True)
    out = []
    for k, v in pairs:
        if k in SECRET_KEYS:
            v = "REDACTED"
        elif k in ID_KEYS:
            v = scramble(v)
        elif k in TEXT_KEYS:
            v = blank_text(v)
        elif re.fullmatch(r"[0-9]+", v) and k not in ("limit", "page", "per_page"):
            v = scramble(v)
        out.append((k, v))
    return urlencode(out)


def main():
    doc = json.load(open(sys.argv[1]))
    for ex in doc["exchanges"]:
        ex["path"] = anon_path(ex["path"])
        ex["query"] = anon_query(ex.get("query") or "")
        hdr = {}
        for k, v in (ex.get("headers") or {}).items():
            if k.lower() in ("content-type",):
                hdr[k] = v
        ex["headers"] = hdr
        if ex.get("request_headers"):
            # Only how the token was sent is kept, never the token.
            ex["request_headers"] = {k: "REDACTED" for k in ex["request_headers"] if k.lower() == "x-access-token"}
        ex["request_body"] = anon_body(ex.get("request_body"))
        ex["response_body"] = anon_body(ex.get("response_body"))
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
