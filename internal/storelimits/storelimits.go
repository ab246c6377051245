// Package storelimits holds the per-subject bounds that the stores of
// ginpaseto apply by default, so that the in-memory MemoryStore and the
// redisstore module's Store agree on them: one account cannot make either
// keep more state than this, nor make revoking it more work.
package storelimits

const (
	// SessionsPerSubject is how many live sessions one subject may have
	// by default; starting one more ends the subject's oldest session.
	SessionsPerSubject = 100
	// RevocationsPerSubject is how many single-token revocations a store
	// keeps for one subject by default; one more revokes the whole subject
	// instead, since forgetting a revocation would make a revoked token
	// valid again.
	RevocationsPerSubject = 1000
)
