namespace EdgeInference.EventStream;
