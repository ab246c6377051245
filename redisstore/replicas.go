package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

// ErrNotReplicated is wrapped by the error of a write that ends a session
// or revokes, under WaitReplicas, when fewer replicas than asked for
// acknowledged it in time. The master has applied the write, but a
// failover could still undo it, so it is not reported done: the request
// gets 503, and the client may try again.
var ErrNotReplicated = errors.New("redisstore: the write was not acknowledged by enough replicas in time")

// maxWaitReplicasTimeout bounds WaitReplicas's timeout: a logout waits for
// it at worst, in the request.
const maxWaitReplicasTimeout = 10 * time.Second

// WaitReplicas makes every write that ends a session or revokes (logout,
// logout everywhere, a refresh token's reuse ending its session, a
// rotation past the session's absolute end, Revoke, a subject's cutoff) wait until n replicas have acknowledged it, for at
// most timeout, before it is reported done; with fewer acknowledgements in
// time the call fails with an error wrapping ErrNotReplicated, and the
// request gets 503. Redis replicates asynchronously, so without it a
// logout that the master acknowledged and a failover then lost would bring
// the session back.
//
// Use it with Sentinel or Cluster, with n at most the replicas each master
// has (every such write fails while fewer are connected), and a timeout of
// a few times the replication lag, such as 100ms. The wait is Redis's WAIT
// on the connection that made the write. Starting and refreshing sessions
// do not wait: a failover that loses one of those loses a login or a
// refresh, and the client logs in or refreshes again; it brings back no
// session that was ended. Default: no wait.
func WaitReplicas(n int, timeout time.Duration) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("redisstore: WaitReplicas(%d, %v): use 1 or more replicas (at most as many as each master has); to not wait, leave the option out", n, timeout)
		}
		if timeout < time.Millisecond || timeout > maxWaitReplicasTimeout {
			return fmt.Errorf("redisstore: WaitReplicas(%d, %v): use a timeout from 1ms to %v, a few times the replication lag, such as 100ms", n, timeout, maxWaitReplicasTimeout)
		}
		c.waitReplicas, c.waitTimeout = n, timeout
		return nil
	}
}

// ends tells, for each script that can end a session or revoke, whether
// a reply of it did; writes it returns true for wait for the replicas
// under WaitReplicas. Scripts not listed never wait.
var ends = map[*rueidis.Lua]func(reply rueidis.RedisMessage) bool{
	revokeScript:        always,
	endScript:           always,
	revokeSubjectScript: always,
	rotateScript: func(reply rueidis.RedisMessage) bool {
		values, err := reply.ToArray()
		if err != nil || len(values) == 0 {
			return true // not a reply of a rotation: wait, to be safe
		}
		n, err := values[0].AsInt64()
		return err != nil || n == rotateReused || n == rotateAtEnd // those ended the session
	},
}

func always(rueidis.RedisMessage) bool { return true }

// execReplicated runs script as exec does, then, when the reply says it
// ended a session or revoked, waits until the replicas asked for by
// WaitReplicas have it. Both go on one dedicated connection, since WAIT
// waits for the writes of its own connection, and to the node that got
// the write, which a dedicated connection does not leave.
func (s *Store) execReplicated(ctx context.Context, script *rueidis.Lua, ended func(rueidis.RedisMessage) bool, keys, args []string) (rueidis.RedisMessage, error) {
	type result struct {
		msg rueidis.RedisMessage
		err error
	}
	done := make(chan result, 1)
	go func() { // acquiring the connection does not heed ctx
		var r result
		r.err = s.client.Dedicated(func(d rueidis.DedicatedClient) error {
			r.msg, r.err = script.Exec(ctx, dedicated{s.client, d}, keys, args).ToMessage()
			if r.err != nil || !ended(r.msg) {
				return r.err
			}
			acked, err := d.Do(ctx, d.B().Wait().Numreplicas(int64(s.cfg.waitReplicas)).Timeout(s.cfg.waitTimeout.Milliseconds()).Build()).AsInt64()
			switch {
			case err != nil:
				return fmt.Errorf("waiting for replicas: %w", err)
			case acked < int64(s.cfg.waitReplicas):
				return &notReplicated{acked: acked, want: s.cfg.waitReplicas, within: s.cfg.waitTimeout}
			}
			return nil
		})
		done <- r
	}()
	select {
	case r := <-done:
		return r.msg, r.err
	case <-ctx.Done():
		return rueidis.RedisMessage{}, ctx.Err()
	}
}

// notReplicated is ErrNotReplicated with the figures.
type notReplicated struct {
	acked  int64
	want   int
	within time.Duration
}

func (e *notReplicated) Error() string {
	return fmt.Sprintf("%d of %d replicas acknowledged the write within %v", e.acked, e.want, e.within)
}

func (e *notReplicated) Is(target error) bool { return target == ErrNotReplicated }

// dedicated runs a script's commands on a dedicated connection: Lua.Exec
// takes a Client, of which it uses B and Do.
type dedicated struct {
	rueidis.Client
	d rueidis.DedicatedClient
}

func (c dedicated) B() rueidis.Builder { return c.d.B() }

func (c dedicated) Do(ctx context.Context, cmd rueidis.Completed) rueidis.RedisResult {
	return c.d.Do(ctx, cmd)
}
