// The reference PDS, configured from the PDS_* environment variables (see start-pds.sh).
const { PDS } = await import(`${process.env.ATP_NM}/@atproto/pds/dist/index.js`)
const started = Date.now()
await PDS.run({
  onStarted: (pds) => console.log(`PDS ${pds.ctx.cfg.service.publicUrl} READY after ${Date.now() - started} ms`),
})
