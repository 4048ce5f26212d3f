// The reference worker pool, as docs and Poolscope's defaults describe it: 3 workers, 15 jobs,
// one sent every 100 ms, each taking 200–500 ms. Its log is a feed Poolscope reads as it is:
//
//	go run ./examples/reference | poolscope --follow -
package main

import (
	"fmt"
	"math/rand"
	"sync"
	"time"
)

func worker(id int, jobs <-chan int, results chan<- string, wg *sync.WaitGroup) {
	defer wg.Done()
	fmt.Printf("Worker %d started\n", id)
	for job := range jobs {
		processingTime := time.Duration(rand.Intn(300)+200) * time.Millisecond
		fmt.Printf("Worker %d processing job %d (will take %v)\n", id, job, processingTime)
		time.Sleep(processingTime)
		results <- fmt.Sprintf("Job %d completed by worker %d in %v", job, id, processingTime)
	}
	fmt.Printf("Worker %d finished\n", id)
}

func main() {
	numWorkers, numJobs := 3, 15
	jobs := make(chan int, numJobs)
	results := make(chan string, numJobs)
	var wg sync.WaitGroup
	for i := 1; i <= numWorkers; i++ {
		wg.Add(1)
		go worker(i, jobs, results, &wg)
	}
	go func() {
		defer close(jobs)
		for i := 1; i <= numJobs; i++ {
			fmt.Printf("Sending job %d to pool\n", i)
			jobs <- i
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
}
