package ginpaseto

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A secret key must be random bytes, but people paste passwords. Besides
// the placeholder check (too few distinct byte values), New refuses two
// kinds of text dressed up as a key:
//
//   - decoded bytes that are all printable text, such as the hex or base64
//     of "Correct Horse Battery Staple 123". 32 random bytes are all
//     printable with a probability near 1e-14;
//   - base64 text that reads as words, such as
//     "ThisIsMySuperSecretPasswordForTheProdApp204", which decodes to
//     random-looking bytes. The text is scored by how much more likely it
//     is under a small model of words than as random base64, in bits: the
//     log2 of the likelihood ratio. The model splits words where the case
//     changes to a capital, at digits and at punctuation, and knows runs of
//     one letter case, the letters words start with, and the commonest
//     pairs of adjacent letters in English words. Random base64
//     scores about -40 bits and passwords made of words 35 to 75; at 30
//     bits or more the text is refused. However the model is built, a
//     likelihood ratio of 2^30 is reached by uniformly random text with a
//     probability of at most 2^-30 (Markov's inequality), so a random key
//     is refused less than once in a billion.

// wordBitsThreshold is the score, in bits, from which base64 text is taken
// for words.
const wordBitsThreshold = 30

// englishPairs are the commonest pairs of adjacent letters in English
// words, most frequent first.
const englishPairs = "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le " +
	"ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot " +
	"il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id " +
	"os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd " +
	"do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht " +
	"ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub " +
	"oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo lf nv " +
	"je nk kn gs dy hy ze ks xt bs ik dd cy rp sk xi oe oy ws lv dl rf eu dg wr xa yi nm eb rb tm xc eh tc gy ja " +
	"hn yp za gg ym sw bj lm cs ii ix xe oh lk dv lp ax ox uf dm iu sf bt ka yt ek pm ya gt wl rh yl hs ah yc yn " +
	"rw hm lw hl ae zi az lc py aj iq nj bb nh uo kl lb tn gm sn nr fs mn ko wm"

// Character classes of the word model.
const (
	classLower = iota
	classUpper
	classDigit
	classOther // the base64 symbols + / - _
	classStart // before the first character
)

// wordModel is a first-order model of text made of words, over the
// characters of both base64 alphabets: the probability of each character
// given the one before it.
type wordModel struct {
	class  [classStart + 1][classStart]float64 // the next character's class, by the previous one's
	letter [27][26]float64                     // the next letter, by the previous letter of the word (26: none)
}

var words = sync.OnceValue(func() *wordModel {
	m := &wordModel{class: [classStart + 1][classStart]float64{
		classLower: {0.70, 0.18, 0.05, 0.07},
		classUpper: {0.50, 0.42, 0.04, 0.04},
		classDigit: {0.15, 0.15, 0.60, 0.10},
		classOther: {0.45, 0.35, 0.15, 0.05},
		classStart: {0.40, 0.40, 0.15, 0.05},
	}}
	// Weights by rank among englishPairs, normalized below for each
	// previous letter.
	var weight [26][26]float64
	for a := range weight {
		for b := range weight[a] {
			weight[a][b] = 0.2
		}
	}
	for rank, pair := range strings.Fields(englishPairs) {
		w := 3.0
		switch {
		case rank < 50:
			w = 40
		case rank < 150:
			w = 12
		}
		weight[pair[0]-'a'][pair[1]-'a'] = w
	}
	for a := range weight {
		var sum float64
		for _, w := range weight[a] {
			sum += w
		}
		for b, w := range weight[a] {
			m.letter[a][b] = w / sum
		}
	}
	// The first letter of a word, from the shares of English dictionary
	// words by first letter, in percent.
	var sum float64
	for _, w := range wordStarts {
		sum += w
	}
	for b, w := range wordStarts {
		m.letter[26][b] = w / sum
	}
	return m
})

// wordStarts weighs the first letters of words, a to z.
var wordStarts = [26]float64{
	6, 5.5, 9.5, 6, 4, 4.5, 3.5, 4, 4, 1, 1, 3.5, 5.5,
	2, 2.5, 8, 0.5, 6, 11, 5, 2.5, 1.5, 3, 0.1, 0.5, 0.3,
}

func charClass(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return classLower
	case 'A' <= c && c <= 'Z':
		return classUpper
	case '0' <= c && c <= '9':
		return classDigit
	}
	return classOther
}

// wordBits scores s, base64 text, in bits: log2 of how much more likely
// it is under the word model than as uniformly random base64, in which
// every character has probability 1/64.
func (m *wordModel) wordBits(s string) float64 {
	bits := 0.0
	prev, prevLetter := classStart, 26
	for i := 0; i < len(s); i++ {
		class := charClass(s[i])
		p := m.class[prev][class]
		switch class {
		case classLower, classUpper:
			if prev == classLower && class == classUpper {
				prevLetter = 26 // a capital after a lower-case letter starts a word
			}
			l := int(s[i]|0x20) - 'a'
			p *= m.letter[prevLetter][l]
			prevLetter = l
		case classDigit:
			p /= 10
			prevLetter = 26
		default:
			p /= 4
			prevLetter = 26
		}
		bits += math.Log2(p) + 6
		prev = class
	}
	return bits
}

// Keyboard rows: "qwertyuiopasdfghjklzxcvbnm" typed along, in either
// case, and the digit row. The keyboard model gives the key to the right
// of the previous one (after the last letter of a row, the first of the
// next) a probability of 0.6 in the same case and 0.1 in the other, the
// key to the left 0.1, and shares the remaining 0.2 among the other
// characters of both base64 alphabets; after any other character, every
// one of those 66 characters is equally likely. It sums to at most 1 over
// them, so the bound above holds for it too.
const (
	keyboardLetters = "qwertyuiopasdfghjklzxcvbnm"
	keyboardDigits  = "1234567890"
	base64Chars     = 66 // both alphabets: letters, digits, + / - _
)

// keyboardBits scores s in bits, as wordBits does, under the keyboard
// model: how much more likely it is typed along keyboard rows than as
// random base64.
func keyboardBits(s string) float64 {
	bits := 0.0
	for i := 1; i < len(s); i++ {
		right, other, left, ok := keyboardNeighbours(s[i-1])
		p := 1.0 / base64Chars
		if !ok {
			bits += math.Log2(p) + 6
			continue
		}
		p = 0.2 / (base64Chars - 3)
		switch s[i] {
		case right:
			p = 0.6
		case other:
			p = 0.1
		case left:
			p = 0.1
		}
		bits += math.Log2(p) + 6
	}
	return bits
}

// keyboardNeighbours returns the keys right of c, in its case and in the
// other, and left of c, for a letter or a digit.
func keyboardNeighbours(c byte) (right, otherCase, left byte, ok bool) {
	if d := strings.IndexByte(keyboardDigits, c); d >= 0 {
		n := len(keyboardDigits)
		r, l := keyboardDigits[(d+1)%n], keyboardDigits[(d+n-1)%n]
		return r, r, l, true // a digit has no other case: never matched twice
	}
	upper := 'A' <= c && c <= 'Z'
	i := strings.IndexByte(keyboardLetters, c|0x20)
	if i < 0 {
		return 0, 0, 0, false
	}
	n := len(keyboardLetters)
	r, l := keyboardLetters[(i+1)%n], keyboardLetters[(i+n-1)%n]
	if upper {
		return r &^ 0x20, r, l &^ 0x20, true
	}
	return r, r &^ 0x20, l, true
}

// readsAsWords reports whether text, the base64 of a secret of n bytes,
// is text made of words rather than random base64. Only the characters
// that carry six bits of the secret each are scored: the last one may
// carry fewer, and padding none.
func readsAsWords(text string, n int) bool {
	if chars := n * 8 / 6; len(text) > chars {
		text = text[:chars]
	}
	return words().wordBits(text) >= wordBitsThreshold
}

// isText reports whether b is printable UTF-8 text, tabs and line breaks
// allowed.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}
