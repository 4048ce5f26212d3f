module poolscope/poolfeed

go 1.19
