package main

import "time"

// The API's description for swag (github.com/swaggo/swag), which writes it
// to docs/swagger.json: the general information and the security schemes
// here, one operation per handler in the handlers' comments, and the JSON
// bodies below. After changing any of them, regenerate the file with
// `go test ./... -update` in the openapi directory.
//
// @title			bigapp
// @version		1.0
// @description	The shape of a larger service protected by ginpaseto.
// @BasePath		/
//
// @securityDefinitions.apikey	Bearer
// @in							header
// @name						Authorization
// @description				An access token from /auth/login or /auth/refresh, sent as "Bearer <token>".
//
// @securityDefinitions.apikey	BearerRefresh
// @in							header
// @name						Authorization
// @description				A refresh token from /auth/login or /auth/refresh, sent as "Bearer <token>".

// The refresh and logout routes are ginpaseto's ready-made handlers; their
// operations are described here, on functions that only carry the
// annotations.

// refreshOperation describes /auth/refresh (ginpaseto's RefreshHandler).
//
// @Summary	Rotate the refresh token
// @Description	Spends the refresh token and answers a new pair in the same session. A refresh token used a second time ends the session.
// @Tags		auth
// @Produce	json
// @Security	BearerRefresh
// @Success	200	{object}	tokenPair
// @Failure	401	{object}	detailResponse	"No valid refresh token, or one used before"
// @Failure	503	{object}	detailResponse	"The session store is unavailable"
// @Router		/auth/refresh [post]
func refreshOperation() {}

// logoutOperation describes /auth/logout (ginpaseto's LogoutHandler).
//
// @Summary	Log out
// @Description	Ends the session of the access token: its access and refresh tokens stop working.
// @Tags		auth
// @Security	Bearer
// @Success	204
// @Failure	401	{object}	detailResponse	"No valid access token"
// @Failure	503	{object}	detailResponse	"The session store is unavailable"
// @Router		/auth/logout [post]
func logoutOperation() {}

// detailResponse is the body of every refusal, ginpaseto's and the
// handlers' alike.
type detailResponse struct {
	Detail string `json:"detail" example:"PASETO Authorization Token required"`
}

type statusResponse struct {
	Status string `json:"status" example:"ok"`
}

type credentials struct {
	Username string `json:"username" example:"alice"`
	Password string `json:"password" example:"alice-password"`
}

// tokenPair is the body ginpaseto's session handlers answer, as
// ginpaseto.TokenPair encodes.
type tokenPair struct {
	AccessToken    string    `json:"access_token"`
	RefreshToken   string    `json:"refresh_token"`
	AccessExpires  time.Time `json:"access_expires"`
	RefreshExpires time.Time `json:"refresh_expires"`
}

type meResponse struct {
	User string `json:"user" example:"alice"`
	Role string `json:"role" example:"admin"`
}

type usersResponse struct {
	Users []string `json:"users" example:"alice,bob"`
}
