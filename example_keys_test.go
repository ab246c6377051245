package ginpaseto_test

import (
	"fmt"
	"log"

	"github.com/ginpaseto/ginpaseto"
)

func ExampleWithFastAPIPasetoKey() {
	// The Python service's setting, as text: fastapi-paseto keys its tokens
	// with these 64 bytes, not with the 32 bytes they spell in hex.
	text := "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	auth, err := ginpaseto.New(ginpaseto.WithFastAPIPasetoKey(text))
	if err != nil {
		log.Fatal(err)
	}
	// A token minted by the Python service (pyseto through fastapi-paseto).
	tok := "v4.local.BuE1uRCpHxWQ1FWPB8lDS7QXW1gdm4Hlx4OC-Mu3w_z1Gv0dKYi-ZwY2L8Veon6-O2VzE_BEckUG-G47vPa08pP1hTHZ--QPbSpb7TzXGmFaDScCt2j4w5GKLmVqWr_9QKuj66JrTY8zJUyI2D05BdkiIl8legGhk3FhxFIvPwTTpNauNhQ5lD57ECtB7r9WcPsPaNrgUo302THmN2xekWtTlXsRNA_4lXCgzqULKzaP1ienHuQLnmKYTc9ccQ4E6LK1ivCvW_Aqq-99hYytEtvZLTfYLO7oTnmyprfeuV-a9ZP2epZLSOqIWSzqKsblwWjS9cIJwqNtxROc4g_FTPCgbHGly925yPrapQ"
	claims, err := auth.ParseToken(tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject, claims.Type, claims.Fresh)

	_, err = ginpaseto.New(ginpaseto.WithFastAPIPasetoKey("correct-horse-battery-staple-correct-horse-battery-staple-012345"))
	fmt.Println(err != nil)
	// Output:
	// alice access true
	// true
}
