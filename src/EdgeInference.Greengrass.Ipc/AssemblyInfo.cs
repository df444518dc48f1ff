namespace EdgeInference.Greengrass.Ipc;
