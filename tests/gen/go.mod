module heaplens/testgen

go 1.19
