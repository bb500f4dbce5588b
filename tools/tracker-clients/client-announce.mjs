// The npm bittorrent-tracker client (what WebTorrent apps use) announcing to a tracker URL (http:// or ws://).
// Prints one JSON line per event it sees: update (complete/incomplete), peer, warning, error.
// Usage: node client-announce.mjs <announce-url> <infoHashHex> [port]
import Client from 'bittorrent-tracker/client'
import { randomBytes } from 'node:crypto'

const [announce, infoHash, port = '6881'] = process.argv.slice(2)
const client = new Client({ infoHash, peerId: randomBytes(20), announce: [announce], port: Number(port), // Browsers' offers need WebRTC; an announce without offers still gets counts (WebSocket) or peers (HTTP).
  getAnnounceOpts: () => ({ numwant: announce.startsWith('ws') ? 0 : 50 }) })
const print = (event, value) => console.log(JSON.stringify({ event, value }))
client.on('update', data => print('update', { complete: data.complete, incomplete: data.incomplete }))
client.on('peer', peer => print('peer', typeof peer === 'string' ? peer : 'webrtc'))
client.on('warning', err => print('warning', err.message))
client.on('error', err => print('error', err.message))
client.start()
setTimeout(() => { client.stop(); client.destroy(); process.exit(0) }, Number(process.env.ANNOUNCE_MS ?? 3000))
