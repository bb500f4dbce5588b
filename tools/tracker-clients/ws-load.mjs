// WebSocket announce load: N sockets, each announcing (no offers) to one info hash and waiting for the reply before
// the next, for D seconds. Prints "announces/s <n>". Usage: node ws-load.mjs <ws-url> <infoHashHex> [sockets] [seconds]
import WebSocket from 'ws'
import { randomBytes } from 'node:crypto'

const [url, infoHashHex, socketsArg = '64', secondsArg = '10'] = process.argv.slice(2)
const infoHash = Buffer.from(infoHashHex, 'hex').toString('latin1')
const sockets = Number(socketsArg)
const deadline = Date.now() + Number(secondsArg) * 1000
let replies = 0
let failures = 0
const lastErrors = []

function peerId () {
  return '-WW0100-' + randomBytes(6).toString('hex')
}

function run () {
  return new Promise(resolve => {
    const ws = new WebSocket(url)
    const id = peerId()
    const announce = (event) => ws.send(JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: id, numwant: 0, uploaded: 0, downloaded: 0, left: 100, event, offers: [] }))
    ws.on('open', () => announce('started'))
    ws.on('message', data => {
      const msg = JSON.parse(data.toString())
      if (msg['failure reason']) { failures++; lastErrors.push(msg['failure reason']) }
      else if (msg.action === 'announce' && msg.interval !== undefined) replies++
      if (Date.now() < deadline) announce('update')
      else { ws.close(); resolve() }
    })
    ws.on("error", (e) => { failures++; lastErrors.push(e.message); resolve() })
    ws.on('close', () => resolve())
  })
}

const started = Date.now()
await Promise.all(Array.from({ length: sockets }, run))
if (process.env.WS_DEBUG) console.error("last errors", lastErrors)
const elapsed = (Date.now() - started) / 1000
console.log(`announces/s ${(replies / elapsed).toFixed(0)} failures ${failures} ${[...new Set(lastErrors)].slice(0, 3).join('; ')}`)
