module live-record-callbacks/verify

go 1.21
