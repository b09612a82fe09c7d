#!/bin/bash
# /opt/kafka/bin/kafka-configs.sh of the stack's Kafka image, as in apache/kafka (kafka-init adds the SCRAM user with it).
exec java -Xmx128m -XX:TieredStopAtLevel=1 -cp '/opt/kafka/libs/*' -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.xml \
  kafka.admin.ConfigCommand "$@"
