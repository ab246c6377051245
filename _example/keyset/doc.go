// Package keyset is two programs that share keys through a published key
// set instead of configuration: the signing service in ./signer, which logs
// users in, signs v4.public tokens and publishes its public keys at
// /.well-known/paseto-keys, and the verify-only API in ./api, configured
// with the URL of that key set instead of a key. The signing service
// rotates its key on SIGHUP; the API picks up the new key by itself, with
// no restart and no change to its configuration.
//
//	go run ./_example/keyset/signer &                # :8000
//	go run ./_example/keyset/api &                   # :8001, KEYSET_URL defaults to the signer's
//	curl -X POST -H 'Content-Type: application/json' -d '{"username":"test","password":"test"}' localhost:8000/login
//	curl -H "Authorization: Bearer <access_token>" localhost:8001/user
//	kill -HUP %1                                     # rotate the signing key
//	curl localhost:8000/.well-known/paseto-keys      # the new key, and the old one, retired
//
// The test of this package builds both programs, runs them as separate
// processes, rotates the key and shows the API accepting the new key's
// tokens, and the old key's, without a restart.
package keyset
