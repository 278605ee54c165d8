// The whole local AT Protocol network the Bluesky tests run against, in one Node process:
// @atproto/dev-env's TestNetwork = PLC directory + PDS + Bluesky AppView (+ bsync and ozone,
// which TestNetwork always starts), the AppView on the local PostgreSQL.
// Env: ATP_NM (the installed node_modules), DB_POSTGRES_URL, DB_POSTGRES_SCHEMA, REDIS_HOST
// (TestNetwork insists on it being set; this AppView version never connects), and the ports.
const { TestNetwork } = await import(`${process.env.ATP_NM}/@atproto/dev-env/dist/index.js`)
const port = (name, fallback) => Number(process.env[name] || fallback)
const started = Date.now()
const network = await TestNetwork.create({
  dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA,
  plc: { port: port('PLC_PORT', 2582) },
  pds: { port: port('PDS_PORT', 2583), hostname: 'localhost' },
  bsky: { port: port('APPVIEW_PORT', 2584) },
  ozone: { port: port('OZONE_PORT', 2587) },
})
console.log(`PDS ${network.pds.url}`)
console.log(`APPVIEW ${network.bsky.url}`)
console.log(`PLC ${network.plc.url}`)
console.log(`READY after ${Date.now() - started} ms`)
const stop = async () => {
  try { await network.close() } finally { process.exit(0) }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
