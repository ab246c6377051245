package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestWaitReplicas holds replication back and makes each kind of write:
// those that end a session or revoke fail with ErrNotReplicated, the
// others succeed without waiting; once replication runs again, they all
// succeed.
func TestWaitReplicas(t *testing.T) {
	ctx := context.Background()
	sentinels := redistest.StartSentinel(t, 1)
	client, err := rueidis.NewClient(rueidis.ClientOption{
		InitAddress: sentinels.Addrs(),
		Sentinel:    rueidis.SentinelOption{MasterSet: redistest.MasterSet},
	})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	s, _ := store(t, client, redisstore.WaitReplicas(1, 100*time.Millisecond))

	// writes returns each kind of write, on fresh state.
	writes := func() (waiting, notWaiting map[string]func() error) {
		rotated, reused := session("alice"), session("alice")
		require.NoError(t, s.CreateSession(ctx, rotated))
		require.NoError(t, s.CreateSession(ctx, reused))
		next := rotated
		next.RefreshJTI = newID()
		stolen := reused
		stolen.RefreshJTI = newID()
		ended := session("alice")
		require.NoError(t, s.CreateSession(ctx, ended))
		return map[string]func() error{
				"RevokeSession": func() error { return s.RevokeSession(ctx, ended.ID) },
				"RevokeSubject": func() error { return s.RevokeSubject(ctx, newID(), time.Now(), time.Now().Add(time.Minute)) },
				"Revoke":        func() error { return s.Revoke(ctx, token("bob", "")) },
				"RotateSession with a reused token": func() error {
					_, err := s.RotateSession(ctx, newID(), stolen, 0)
					return err
				},
			}, map[string]func() error{
				"CreateSession": func() error { return s.CreateSession(ctx, session("carol")) },
				"RotateSession": func() error {
					_, err := s.RotateSession(ctx, rotated.RefreshJTI, next, 0)
					return err
				},
			}
	}

	waiting, notWaiting := writes()
	sentinels.MasterLink.FreezeReplication()
	for name, write := range waiting {
		err := write()
		assert.ErrorIs(t, err, redisstore.ErrNotReplicated, "%s with replication held back", name)
		assert.ErrorContains(t, err, "0 of 1 replicas acknowledged the write within 100ms", name)
	}
	for name, write := range notWaiting {
		assert.NoError(t, write(), "%s with replication held back", name)
	}

	sentinels.MasterLink.Thaw()
	waiting, notWaiting = writes()
	for name, write := range waiting {
		err := write()
		if name == "RotateSession with a reused token" {
			assert.ErrorIs(t, err, ginpaseto.ErrRefreshTokenReused, name)
			continue
		}
		assert.NoError(t, err, "%s with replication running", name)
	}
	for name, write := range notWaiting {
		assert.NoError(t, write(), "%s with replication running", name)
	}
}

func TestWaitReplicasRefusesNonsense(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  redisstore.Option
		want string
	}{
		{"no replicas", redisstore.WaitReplicas(0, time.Second), "use 1 or more replicas"},
		{"no timeout", redisstore.WaitReplicas(1, 0), "use a timeout from 1ms"},
		{"a long timeout", redisstore.WaitReplicas(1, time.Minute), "use a timeout from 1ms"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := redisstore.New(unusedClient{}, c.opt)
			assert.ErrorContains(t, err, c.want)
		})
	}
}
