// An independent ActivityPub peer built on Fedify (@fedify/fedify from the npm registry), for
// the federation tests. It prints one JSON object per line on stdout.
//
//   node peer.mjs PREFIX lookup URL       look URL up (actor, collection, object) and print it
//   node peer.mjs PREFIX webfinger URL    WebFinger the resource (an actor URL or acct:)
//   node peer.mjs PREFIX follow ACTOR     serve a follower on 127.0.0.1, follow ACTOR, print
//                                         every activity its inbox verifies and accepts;
//                                         "undo" on stdin sends Undo(Follow)
//
// PREFIX is the npm prefix the package was installed into (npm install --prefix PREFIX).
import http from "node:http";
import readline from "node:readline";
import { pathToFileURL } from "node:url";

const [prefix, mode, target] = process.argv.slice(2);
// Fedify asks for Node 22; Debian's Node 20 lacks only ArrayBuffer.prototype.transfer (a
// Node 21 addition its base64 decoder uses). A copying stand-in is enough here.
if (!ArrayBuffer.prototype.transfer) {
  ArrayBuffer.prototype.transfer = function transfer(length = this.byteLength) {
    const copy = new ArrayBuffer(length);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
    return copy;
  };
}
const fedify = await import(
  pathToFileURL(`${prefix}/node_modules/@fedify/fedify/dist/mod.js`).href
);
const {
  Accept, Create, Delete, Endpoints, Follow, MemoryKvStore, Person, Undo, Update,
  createFederation, generateCryptoKeyPair, getDocumentLoader, lookupObject, lookupWebFinger,
  traverseCollection,
} = fedify;

const say = (record) => process.stdout.write(JSON.stringify(record) + "\n");
const loader = getDocumentLoader({ allowPrivateAddress: true });
const options = { documentLoader: loader, contextLoader: loader };

async function lookup(url) {
  const object = await lookupObject(url, options);
  if (object === null) {
    say({ event: "not-found", url });
    process.exit(2);
  }
  say({ event: "object", class: object.constructor.name, json: await object.toJsonLd(options) });
  if (object.constructor.name === "OrderedCollection") {
    for await (const item of traverseCollection(object, options)) {
      const object = typeof item.getObject === "function" ? await item.getObject(options) : null;
      say({
        event: "item",
        class: item.constructor.name,
        json: await item.toJsonLd(options),
        object: object ? { class: object.constructor.name, json: await object.toJsonLd(options) } : null,
      });
    }
  }
}

async function follow(actorUrl) {
  const federation = createFederation({ kv: new MemoryKvStore(), allowPrivateAddress: true });
  const pair = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== "follower") return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Fedify test follower",
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0].cryptographicKey,
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "follower" ? [pair] : []));
  const received = async (kind, ctx, activity) => {
    let object = null;
    try {
      const got = await activity.getObject(options);
      object = got ? await got.toJsonLd(options) : null;
    } catch (error) {
      object = { error: String(error) };
    }
    say({ event: "received", type: kind, id: activity.id?.href, actor: activity.actorId?.href,
          object, json: await activity.toJsonLd(options) });
  };
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Accept, (ctx, a) => received("Accept", ctx, a))
    .on(Create, (ctx, a) => received("Create", ctx, a))
    .on(Update, (ctx, a) => received("Update", ctx, a))
    .on(Delete, (ctx, a) => received("Delete", ctx, a))
    .onError((_ctx, error) => say({ event: "inbox-error", error: String(error) }));

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const request = new Request(new URL(req.url, `http://${req.headers.host}`), {
      method: req.method,
      headers,
      body: ["GET", "HEAD"].includes(req.method) ? undefined : Buffer.concat(chunks),
    });
    const response = await federation.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response("not found", { status: 404 }),
      onNotAcceptable: () => new Response("not acceptable", { status: 406 }),
    });
    if (req.method === "POST") say({ event: "http", method: "POST", path: req.url, status: response.status });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const ctx = federation.createContext(new URL(origin), undefined);
  const me = ctx.getActorUri("follower");
  say({ event: "listening", origin, actor: me.href });
  const recipient = await ctx.lookupObject(actorUrl, options);
  if (recipient === null) {
    say({ event: "not-found", url: actorUrl });
    process.exit(2);
  }
  const followActivity = new Follow({ id: new URL(`${origin}/follows/1`), actor: me, object: recipient.id });
  await ctx.sendActivity({ identifier: "follower" }, recipient, followActivity);
  say({ event: "follow-sent", id: followActivity.id.href });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === "undo") {
      const undo = new Undo({ id: new URL(`${origin}/follows/1/undo`), actor: me, object: followActivity });
      await ctx.sendActivity({ identifier: "follower" }, recipient, undo);
      say({ event: "undo-sent" });
    }
  }
  server.close();
}

try {
  if (mode === "lookup") await lookup(target);
  else if (mode === "webfinger") {
    say({ event: "webfinger", json: await lookupWebFinger(target, { allowPrivateAddress: true }) });
  } else if (mode === "follow") await follow(target);
  else throw new Error(`unknown mode ${mode}`);
} catch (error) {
  say({ event: "error", error: String(error), stack: error?.stack });
  process.exit(1);
}
