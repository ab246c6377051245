package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/redisstore"
	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

// TestACL runs every operation as a Redis user with the permissions
// docs/redis.md gives, and shows what a user without the channel gets.
func TestACL(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	_, err := srv.Do("ACL", "SETUSER", "app", "on", ">app-password", "~acl:*", "&acl:revoked",
		"+@read", "+@write", "+@scripting", "+@pubsub", "+@connection", "+time")
	require.NoError(t, err)
	_, err = srv.Do("ACL", "SETUSER", "nochannel", "on", ">app-password", "~acl:*",
		"+@read", "+@write", "+@scripting", "+@pubsub", "+@connection", "+time")
	require.NoError(t, err)
	client := func(user string) rueidis.Client {
		c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr}, Username: user, Password: "app-password"})
		require.NoError(t, err)
		t.Cleanup(c.Close)
		return c
	}
	s, err := redisstore.New(client("app"), redisstore.KeyPrefix("acl:"))
	require.NoError(t, err)
	other, err := redisstore.New(client("app"), redisstore.KeyPrefix("acl:"))
	require.NoError(t, err)
	calls, _ := watch(t, other, "alice")
	settle(t, calls)

	se := session("alice")
	require.NoError(t, s.CreateSession(ctx, se))
	assert.False(t, revoked(t, s, token("alice", se.ID)))
	next := se
	next.RefreshJTI, next.Refreshed = newID(), time.Now()
	_, err = s.RotateSession(ctx, se.RefreshJTI, next, time.Minute)
	require.NoError(t, err)
	list, err := s.Sessions(ctx, "alice")
	require.NoError(t, err)
	assert.Len(t, list, 1)
	require.NoError(t, s.RevokeSession(ctx, se.ID))
	notified(t, calls, "RevokeSession")
	require.NoError(t, s.Revoke(ctx, token("alice", "")))
	notified(t, calls, "Revoke")
	require.NoError(t, s.RevokeSubject(ctx, "alice", time.Now(), time.Now().Add(time.Hour)))
	notified(t, calls, "RevokeSubject")

	without, err := redisstore.New(client("nochannel"), redisstore.KeyPrefix("acl:"))
	require.NoError(t, err)
	live := session("bob")
	require.NoError(t, without.CreateSession(ctx, live))
	err = without.RevokeSession(ctx, live.ID)
	require.Error(t, err, "a logout cannot publish")
	assert.Contains(t, err.Error(), "can't publish to the channel")
	assert.False(t, revoked(t, without, token("bob", live.ID)), "and ends nothing: the script stopped before any write")
	assert.Error(t, without.Revoke(ctx, token("bob", "")), "nor can a revocation")
	assert.False(t, revoked(t, without, token("bob", live.ID)), "which wrote nothing either")
}
