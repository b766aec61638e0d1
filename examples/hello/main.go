// Command hello is the service from the lecture note: an HTTP server on :9292 that
// answers GET / with "hello". At start it prints who it runs as and how many CPUs the
// Go runtime will use, so a container's user and CPU tuning can be seen in its log.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = ":9292"
	}
	fmt.Printf("uid=%d gid=%d GOMAXPROCS=%d NumCPU=%d\n", os.Getuid(), os.Getgid(), runtime.GOMAXPROCS(0), runtime.NumCPU())

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "hello")
	})
	// /work?ms=N burns N milliseconds of CPU, for measuring CPU throttling under a quota.
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms < 0 || ms > 1000 {
			ms = 10
		}
		deadline := time.Now().Add(time.Duration(ms) * time.Millisecond)
		n := 0
		for time.Now().Before(deadline) {
			n++
		}
		fmt.Fprintln(w, n)
	})
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
