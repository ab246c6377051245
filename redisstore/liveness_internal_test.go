package redisstore

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCRC16(t *testing.T) {
	assert.Equal(t, uint16(0x31c3), crc16([]byte("123456789")), "the check value of CRC-16/XMODEM")
	assert.Equal(t, uint16(0), crc16(nil))
}
