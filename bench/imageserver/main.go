// Command imageserver stands in for an old WordPress site's uploads in the
// media fetch benchmark (bench/wxr-import.sh): every *.jpg path answers a
// 1200×800 JPEG photo-like picture (a smooth gradient with noise, about
// the weight of a news photo), each path its own picture. It prints its
// address on the first line and serves until killed.
//
//	go run ./bench/imageserver -addr 127.0.0.1:0
package main

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
)

func picture(seed uint64, w, h int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	base := [3]int{r.IntN(200), r.IntN(200), r.IntN(200)}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := r.IntN(24)
			m.Set(x, y, color.RGBA{uint8((base[0] + x*55/w + n) % 256), uint8((base[1] + y*55/h + n) % 256), uint8((base[2] + (x+y)*40/(w+h) + n) % 256), 255})
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, m, &jpeg.Options{Quality: 85})
	return b.Bytes()
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	variants := flag.Int("variants", 16, "distinct pictures served (paths share them by hash)")
	flag.Parse()
	pics := make([][]byte, *variants)
	for i := range pics {
		pics[i] = picture(uint64(i), 1200, 800)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "imageserver:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s\n", ln.Addr())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, ".jpg") {
			http.NotFound(w, r)
			return
		}
		h := fnv.New32a()
		h.Write([]byte(r.URL.Path))
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(pics[int(h.Sum32())%len(pics)])
	}))
}
