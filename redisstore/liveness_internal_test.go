package redisstore

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto/redisstore/redistest"
)

func TestCRC16(t *testing.T) {
	assert.Equal(t, uint16(0x31c3), crc16([]byte("123456789")), "the check value of CRC-16/XMODEM")
	assert.Equal(t, uint16(0), crc16(nil))
}

// TestSlotMap reads a cluster's slot map, maps slots to their masters'
// clocks, and reads it again after a MOVED reply.
func TestSlotMap(t *testing.T) {
	cluster := redistest.StartCluster(t, 3)
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: cluster.Addrs()})
	require.NoError(t, err)
	defer client.Close()
	s, err := New(client)
	require.NoError(t, err)

	now := time.Now()
	assert.False(t, s.trusted(0, now), "no node has answered yet")
	m := s.live.slots.Load()
	require.NotNil(t, m, "the first look reads the slot map")
	assert.Len(t, m.clocks, 3)
	for slot, node := range m.node {
		require.NotEqual(t, noNode, node, "slot %d", slot)
	}

	key := "{" + tagOf("alice").String() + "}"
	slot := slotOf(tagOf("alice"))
	owner := cluster.NodeOf(t, key)
	for _, subject := range []string{"alice", "bob", "", "ünïcode"} {
		want, err := owner.Do("CLUSTER", "KEYSLOT", "x{"+tagOf(subject).String()+"}y")
		require.NoError(t, err)
		assert.Equal(t, want, strconv.Itoa(int(slotOf(tagOf(subject)))), "the slot Redis gives %q's keys", subject)
	}
	s.answered(slot, now)
	assert.True(t, s.trusted(slot, now))
	for _, n := range cluster.Nodes {
		if n == owner {
			continue
		}
		err := client.Nodes()[n.Addr].Do(context.Background(), client.B().Get().Key(key).Build()).Error()
		redisErr, ok := rueidis.IsRedisErr(err)
		require.True(t, ok, "%v", err)
		_, moved := redisErr.IsMoved()
		require.True(t, moved, "%v", err)
		s.live.stale.Store(false)
		s.unanswered(slot, err)
		assert.True(t, s.live.stale.Load(), "a MOVED reply makes the map be read again")
		assert.True(t, s.trusted(slot, now), "a reply is an answer")
		break
	}
}
