// Package nodesdk proves that the official WorkOS Node SDK, pinned at the versions in testdata,
// cannot tell pipes-emulator from the real API. Its test installs each SDK with npm ci and
// drives every Pipes call against an emulator started with testutil.
package nodesdk
