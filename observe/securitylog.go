package observe

import (
	"context"
	"log/slog"
)

// SecurityLogger returns an Observer that writes the security-relevant
// events to logger, one structured record each, for a SIEM to alert on:
//
//   - a refresh token reused (level WARN, "ginpaseto: refresh token reuse
//     detected"): a stolen token, or a client bug; the session was ended;
//   - a session ended (INFO, "ginpaseto: session ended"): a logout or
//     RevokeSession;
//   - a subject revoked (WARN, "ginpaseto: subject revoked"): every
//     session of a user ended, as on a password change;
//   - the keys changed (INFO, "ginpaseto: keys changed"): SetKeys, or a key
//     set that brought other keys.
//
// Session records carry the attributes event, subject, session_id,
// client_ip and user_agent (see SessionEvent: the address as Gin resolves
// it with its trusted proxies, and the user agent bounded and sanitized);
// key records carry event, source and keys. No record holds a token, a
// part of one, a key or a CSRF value. With a shared store, one reuse
// gives one record, written by the process whose rotation found it.
// Combine it with other observers by giving ginpaseto.WithObserver more
// than once. It panics if logger is nil.
func SecurityLogger(logger *slog.Logger) Observer {
	if logger == nil {
		panic("observe: SecurityLogger: logger is nil")
	}
	return securityLogger{l: logger}
}

type securityLogger struct {
	Nop
	l *slog.Logger
}

func (s securityLogger) Session(ctx context.Context, e SessionEvent) {
	level, msg := slog.LevelInfo, ""
	switch e.Kind {
	case SessionReuseDetected:
		level, msg = slog.LevelWarn, "ginpaseto: refresh token reuse detected"
	case SessionEnded:
		msg = "ginpaseto: session ended"
	case SubjectRevoked:
		level, msg = slog.LevelWarn, "ginpaseto: subject revoked"
	default:
		return // routine: counted by metrics, not written for people
	}
	s.l.LogAttrs(ctx, level, msg,
		slog.String("event", string(e.Kind)),
		slog.String("subject", e.Subject),
		slog.String("session_id", e.SessionID),
		slog.String("client_ip", e.ClientIP),
		slog.String("user_agent", e.UserAgent),
	)
}

func (s securityLogger) KeysChanged(ctx context.Context, k KeysChange) {
	s.l.LogAttrs(ctx, slog.LevelInfo, "ginpaseto: keys changed",
		slog.String("event", "keys_changed"),
		slog.String("source", string(k.Source)),
		slog.Int("keys", k.Keys),
	)
}
