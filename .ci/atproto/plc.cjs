// A PLC directory (did:plc) in memory, as dev-env's TestPlc runs it.
const path = require('path')
const { PlcServer, Database } = require(path.join(process.env.ATP_NM, '@did-plc/server'))

async function main() {
  const port = Number(process.env.PLC_PORT || 2582)
  const server = PlcServer.create({ db: Database.mock(), port })
  await server.start()
  console.log(`PLC http://127.0.0.1:${port}`)
  const stop = async () => {
    await server.destroy()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
