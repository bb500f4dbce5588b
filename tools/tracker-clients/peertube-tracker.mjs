// PeerTube's own tracker (@peertube/bittorrent-tracker-server), configured as PeerTube runs it (HTTP + WebSocket,
// no UDP), on 127.0.0.1 with a random port. Prints "ready <port>" once listening. The benchmark's baseline.
import { Server } from '@peertube/bittorrent-tracker-server'

const server = new Server({
  http: true,
  ws: true,
  udp: false,
  stats: false,
  trustProxy: false,
  filter: (infoHash, params, cb) => cb()
})
server.on('error', err => console.error('tracker error', err.message))
server.on('warning', () => {})
server.listen(0, '127.0.0.1', () => {
  console.log('ready ' + server.http.address().port)
})
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
