// No WebRTC in Node on this machine: any attempt to open a peer connection fails with a clear error.
class Unavailable {
  constructor () { throw new Error('WebRTC is not available in this Node.js environment (node-datachannel cannot be installed offline)') }
}
export const RTCPeerConnection = Unavailable
export const RTCSessionDescription = Unavailable
export const RTCIceCandidate = Unavailable
export default { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate }
