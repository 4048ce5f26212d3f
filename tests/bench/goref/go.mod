module poolscope/goref

go 1.19
