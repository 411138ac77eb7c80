module fixture/oasdiff

go 1.26.0

tool github.com/oasdiff/oasdiff

require (
	github.com/getkin/kin-openapi v0.153.0 // indirect
	github.com/oasdiff/oasdiff v1.39.0 // indirect
)
