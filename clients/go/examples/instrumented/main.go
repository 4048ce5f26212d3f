// The reference worker pool with a poolfeed Emitter: the same log on standard output, and every
// step as a JSON line to -feed, with the planned durations and the exact times.
//
//	poolscope --listen unix:/tmp/pool.sock &   go run ./examples/instrumented -feed unix:/tmp/pool.sock
//	go run ./examples/instrumented -feed stderr 2>&1 >/dev/null | poolscope --follow -
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand"
	"sync"
	"time"

	"poolscope/poolfeed"
)

func worker(id int, feed *poolfeed.Emitter, jobs <-chan int, results chan<- string, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Printf("Worker %d started\n", id)
	feed.WorkerStart(id)
	for job := range jobs {
		processingTime := time.Duration(rand.Intn(300)+200) * time.Millisecond
		fmt.Printf("Worker %d processing job %d (will take %v)\n", id, job, processingTime)
		feed.Start(job, id, processingTime)
		time.Sleep(processingTime)
		feed.Finish(job, id)
		results <- fmt.Sprintf("Job %d completed by worker %d in %v", job, id, processingTime)
	}
	fmt.Printf("Worker %d finished\n", id)
	feed.WorkerStop(id)
}

func main() {
	address := flag.String("feed", "-", `where the feed goes: tcp:HOST:PORT, unix:PATH, "-", "stderr" or a file`)
	numWorkers := flag.Int("workers", 3, "workers")
	numJobs := flag.Int("jobs", 15, "jobs")
	flag.Parse()
	feed, err := poolfeed.Open(*address, poolfeed.Options{Process: "reference"})
	if err != nil {
		log.Fatal(err)
	}
	jobs := make(chan int, *numJobs)
	results := make(chan string, *numJobs)
	var wg sync.WaitGroup
	for i := 1; i <= *numWorkers; i++ {
		wg.Add(1)
		go worker(i, feed, jobs, results, &wg)
	}
	go func() {
		defer close(jobs)
		for i := 1; i <= *numJobs; i++ {
			fmt.Printf("Sending job %d to pool\n", i)
			poolfeed.Send(feed, jobs, i, i)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	for result := range results {
		fmt.Printf("Result: %s\n", result)
	}
	if err := feed.Close(); err != nil {
		log.Printf("the feed ended early: %v", err) // the viewer went away; the pool did not
	}
}
