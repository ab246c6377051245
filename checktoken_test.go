package ginpaseto_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginpaseto/ginpaseto"
)

func TestCheckToken(t *testing.T) {
	auth := newAuth(t)
	ctx := context.Background()
	access := token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"room": "lobby"}))
	refresh := token(t, auth, ginpaseto.TypeRefresh)
	revoked := token(t, auth, ginpaseto.TypeAccess)
	claims, err := auth.ParseToken(revoked)
	require.NoError(t, err)
	require.NoError(t, auth.Revoke(ctx, claims))

	tests := []struct {
		name, token, tokenType string
		want                   error
		message                string
	}{
		{"access token", access, ginpaseto.TypeAccess, nil, ""},
		{"refresh token as access", refresh, ginpaseto.TypeAccess, ginpaseto.ErrWrongTokenType, "Access token required but refresh provided"},
		{"refresh token as refresh", refresh, ginpaseto.TypeRefresh, nil, ""},
		{"revoked", revoked, ginpaseto.TypeAccess, ginpaseto.ErrTokenRevoked, "Token has been revoked"},
		{"garbage", "v4.local.garbage", ginpaseto.TypeAccess, ginpaseto.ErrTokenInvalid, "Invalid PASETO token"},
		{"empty", "", ginpaseto.TypeAccess, ginpaseto.ErrTokenMissing, "PASETO Authorization Token required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := auth.CheckToken(ctx, tt.token, tt.tokenType)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "alice", claims.Subject)
				return
			}
			require.ErrorIs(t, err, tt.want)
			var e *ginpaseto.Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tt.message, e.Message)
			assert.Nil(t, claims)
		})
	}
}

func TestCheckTokenMisuse(t *testing.T) {
	auth := newAuth(t)
	tok := token(t, auth, ginpaseto.TypeAccess)
	_, err := auth.CheckToken(context.Background(), tok, "")
	assert.ErrorContains(t, err, "token type must not be empty")
	_, err = auth.ParseToken(tok, nil)
	assert.ErrorContains(t, err, "nil CheckOption")
}

func TestClaimsGetAbsentClaim(t *testing.T) {
	auth := newAuth(t)
	claims, err := auth.ParseToken(token(t, auth, ginpaseto.TypeAccess, ginpaseto.ExtraClaims(map[string]any{"room": 7})))
	require.NoError(t, err)

	var room string
	err = claims.Get("room", &room)
	require.Error(t, err, "a number is not a string")
	assert.NotErrorIs(t, err, ginpaseto.ErrClaimNotPresent)

	err = claims.Get("floor", &room)
	assert.ErrorIs(t, err, ginpaseto.ErrClaimNotPresent)
}
