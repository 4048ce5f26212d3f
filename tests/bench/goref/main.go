// The reference worker pool (../shared/seed: buffered job and result channels, a WaitGroup that
// closes the results, a result string per job) with no-op jobs and nothing printed per job, for
// Poolscope's headless engine to be measured against: it prints one JSON line with its jobs per
// second from the first send to the last result collected.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- string, wg *sync.WaitGroup) {
	defer wg.Done()
	for job := range jobs {
		var processing time.Duration // a no-op job: its planned time, as the reference formats it
		results <- fmt.Sprintf("Job %d completed by worker %d in %v", job, id, processing)
	}
}

func main() {
	numJobs := flag.Int("jobs", 1000000, "jobs to send")
	numWorkers := flag.Int("workers", 2, "workers")
	queue := flag.Int("queue", 100000, "the job channel's buffer")
	resultsCap := flag.Int("results", 100000, "the result channel's buffer")
	flag.Parse()
	if *numJobs < 1 || *numWorkers < 1 || *queue < 0 || *resultsCap < 0 {
		fmt.Fprintln(os.Stderr, "goref: -jobs and -workers must be at least 1, -queue and -results at least 0")
		os.Exit(2)
	}

	start := time.Now()
	jobs := make(chan int, *queue)
	results := make(chan string, *resultsCap)
	var wg sync.WaitGroup
	for i := 1; i <= *numWorkers; i++ {
		wg.Add(1)
		go worker(i, jobs, results, &wg)
	}
	go func() {
		defer close(jobs)
		for i := 1; i <= *numJobs; i++ {
			jobs <- i
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	collected := 0
	for range results {
		collected++
	}
	elapsed := time.Since(start)

	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"jobs":       *numJobs,
		"results":    collected,
		"workers":    *numWorkers,
		"run_ms":     float64(elapsed.Nanoseconds()) / 1e6,
		"jobs_per_s": float64(collected) / elapsed.Seconds(),
	})
	if collected != *numJobs {
		os.Exit(1)
	}
}
